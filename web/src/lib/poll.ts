/**
 * Runs `step` now and again `everyMs` after each run ends, for as long as it answers true; a step that throws ends
 * the polling (the step shows its own error). Returns the stop: return it from `$effect` or `onMount`, so polling
 * ends when the screen closes, and no answer arrives after that.
 */
export function poll(step: (stopped: () => boolean) => Promise<boolean>, everyMs: number): () => void {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const isStopped = () => stopped;
  const run = async () => {
    let again: boolean;
    try {
      again = await step(isStopped);
    } catch {
      again = false;
    }
    if (again && !stopped) timer = setTimeout(() => void run(), everyMs);
  };
  void run();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

/** Waits `ms`, for loops that poll inside one async task. */
export const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

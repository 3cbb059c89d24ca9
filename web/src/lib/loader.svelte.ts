/**
 * One value a screen loads, again and again (a search, a page of a list): what is shown, whether a load is under
 * way, and what went wrong. An answer that arrives after a newer load was started is dropped, so a slow first
 * answer never overwrites a quick second one. The value shown stays until the next answer is here.
 */
export class Loader<T> {
  value = $state<T | undefined>(undefined);
  loading = $state(false);
  error = $state<unknown>(undefined);
  #asked = 0;

  /** Starts a load; resolves to the value when it is the newest answer, to undefined when it was dropped or failed. */
  async load(promise: Promise<T>): Promise<T | undefined> {
    const mine = ++this.#asked;
    this.loading = true;
    this.error = undefined;
    try {
      const value = await promise;
      if (mine !== this.#asked) return undefined;
      this.value = value;
      return value;
    } catch (e) {
      if (mine === this.#asked) this.error = e;
      return undefined;
    } finally {
      if (mine === this.#asked) this.loading = false;
    }
  }
}

import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { promisify } from 'node:util';

const ROOT = resolve(import.meta.dirname, '..');
const SCREENS = resolve(ROOT, 'web/src/screens');
const run = promisify(execFile);

/** The check the web build runs (`build:web` calls `check:web`): svelte-check over web/, warnings failing it. */
async function checkWeb(): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run('npm', ['run', '--silent', 'check:web'], {
      cwd: ROOT,
      maxBuffer: 16 * 1024 * 1024,
      // Plain text whatever the environment asks for (CI sets colours on): the file names are read from it.
      env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
    });
    return { code: 0, output: stdout + stderr };
  } catch (e) {
    const failed = e as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: failed.stdout + failed.stderr };
  }
}

/** The files the check names, relative to the repository (each problem starts with `<file>:<line>:<column>`). */
// eslint-disable-next-line no-control-regex
const plain = (output: string) => output.replace(/\u001b\[[0-9;]*m/g, '');
const filesNamed = (output: string) =>
  new Set([...plain(output).matchAll(/^(\/\S+?):\d+:\d+$/gm)].map(([, file]) => relative(ROOT, file)));

describe('the screens are type-checked', () => {
  it('a screen with a type error and a read of a field the API does not have fails the check, naming it', async () => {
    const scratch = resolve(SCREENS, `TypecheckProbe${process.pid}.svelte`);
    const screen = readFileSync(resolve(SCREENS, 'WavesScreen.svelte'), 'utf8');
    const broken = screen.replace(
      '</script>',
      [
        `  const broken: number = 'x';`,
        `  const notInTheApi = (wave: Wave) => wave.noSuchField;`,
        '</script>',
      ].join('\n'),
    );
    expect(broken).not.toBe(screen);
    try {
      writeFileSync(scratch, broken);
      const { code, output } = await checkWeb();
      expect(code).not.toBe(0);
      expect([...filesNamed(output)]).toEqual([relative(ROOT, scratch)]);
      expect(output).toContain(`Type 'string' is not assignable to type 'number'`);
      expect(output).toMatch(/Property 'noSuchField' does not exist on type/);
    } finally {
      rmSync(scratch, { force: true });
    }
  }, 300_000);

  it('the screens as they are pass it', async () => {
    const { code, output } = await checkWeb();
    expect({ code, files: [...filesNamed(output)] }).toEqual({ code: 0, files: [] });
    expect(output).toMatch(/found 0 errors and 0 warnings/);
  }, 300_000);
});

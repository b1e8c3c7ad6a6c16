// Temporary folders for tests. Each one made here is removed when its test file ends (passed or failed), so test
// runs do not pile up folders in /tmp. Import this at the top of a test file: the removal is a file-level `after`.
import { after } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';

const made: string[] = [];
const firstly: Array<() => unknown> = [];

// Registered while the test file's modules load, so it hangs on the file's root, not on whichever test runs first.
// Being registered first it also runs first among the file's `after` hooks: whatever must stop before the folders
// go (servers, workers still using them) is registered with `beforeRemoval`.
after(async () => {
  for (const fn of firstly.splice(0)) await fn();
  await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true, maxRetries: 3 })));
});

/** A fresh folder `<tmp>/<prefix>XXXXXX`, removed after the test file. */
export async function makeTempDir(prefix: string): Promise<string> {
  const dir = resolve(await mkdtemp(join(tmpdir(), prefix)));
  made.push(dir);
  return dir;
}

/** `makeTempDir` for synchronous setup code. */
export function makeTempDirSync(prefix: string): string {
  const dir = resolve(mkdtempSync(join(tmpdir(), prefix)));
  made.push(dir);
  return dir;
}

/** Remove now (e.g. at the end of the test that used it) the folder made here that is or holds `path`. */
export function removeTempDirNow(path: string): void {
  const i = made.findIndex((dir) => resolve(path) === dir || resolve(path).startsWith(dir + sep));
  if (i < 0) throw new Error(`removeTempDirNow: ${path} is not in a folder made by makeTempDir; refusing to remove it`);
  rmSync(made.splice(i, 1)[0], { recursive: true, force: true, maxRetries: 3 });
}

/** Run `fn` at the end of the test file, before the folders are removed (e.g. stop servers working in them). */
export function beforeRemoval(fn: () => unknown): void {
  firstly.push(fn);
}

/** Also remove `dir` (made by something else, e.g. a script the test ran) after the test file: a folder of tmp only. */
export function removeAfterTests(dir: string): void {
  if (dirname(resolve(dir)) !== resolve(tmpdir())) throw new Error(`removeAfterTests: ${dir} is not a folder directly in ${tmpdir()}; refusing to remove it`);
  made.push(dir);
}

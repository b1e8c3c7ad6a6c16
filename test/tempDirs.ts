// Temporary folders for tests. Each one made here is removed when its test file ends (passed or failed), so test
// runs do not pile up folders in /tmp. Import this at the top of a test file: the removal is a file-level `after`.
import { after } from 'node:test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const made: string[] = [];

// Registered while the test file's modules load, so it hangs on the file's root, not on whichever test runs first.
after(async () => {
  await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true, maxRetries: 3 })));
});

/** A fresh folder `<tmp>/<prefix>XXXXXX`, removed after the test file. */
export async function makeTempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Also remove `dir` (made by something else, e.g. a script the test ran) after the test file: a folder of tmp only. */
export function removeAfterTests(dir: string): void {
  if (dirname(resolve(dir)) !== resolve(tmpdir())) throw new Error(`removeAfterTests: ${dir} is not a folder directly in ${tmpdir()}; refusing to remove it`);
  made.push(dir);
}

// Evidence files are written whole or not at all (temp file + link/rename), and never replace an existing file.
import { link, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

let counter = 0;
function tempName(file: string): string {
  return join(dirname(file), `.${basename(file)}.${process.pid}.${Date.now().toString(36)}.${counter++}.tmp`);
}

/**
 * Write `data` to `file` atomically. With `overwrite: false` (the default for evidence) an existing file is an
 * error: link(2) fails with EEXIST instead of replacing it.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array, opts: { overwrite?: boolean } = {}): Promise<void> {
  const tmp = tempName(file);
  try {
    await writeFile(tmp, data, { flag: 'wx' });
    if (opts.overwrite) {
      await rename(tmp, file);
    } else {
      try {
        await link(tmp, file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new Error(`refusing to overwrite evidence file ${file}`);
        throw err;
      }
    }
  } finally {
    await rm(tmp, { force: true }).catch(() => undefined);
  }
}

/** Move a finished output into the bundle without replacing anything there. */
export async function moveNoClobber(from: string, to: string): Promise<void> {
  try {
    await link(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new Error(`refusing to overwrite evidence file ${to}`);
    if ((err as NodeJS.ErrnoException).code === 'EXDEV') {
      // Different filesystem (scratch in os tmp): copy atomically, then drop the original.
      const { readFile } = await import('node:fs/promises');
      await writeFileAtomic(to, await readFile(from));
      await rm(from, { force: true });
      return;
    }
    throw err;
  }
  await rm(from, { force: true });
}

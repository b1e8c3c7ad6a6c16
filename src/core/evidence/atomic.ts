// Evidence files are written whole or not at all (temp file + link/rename), and never replace an existing file.
import { link, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** The OS error ("no space left on device, write") says neither which file nor what we were doing: add both. */
function named(err: unknown, doing: string, file: string): Error {
  const e = err as NodeJS.ErrnoException;
  const out = new Error(`${doing} ${file}: ${e.message ?? String(err)}`, { cause: err }) as NodeJS.ErrnoException;
  if (e.code) out.code = e.code;
  return out;
}

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
    await writeFile(tmp, data, { flag: 'wx' }).catch((err: unknown) => { throw named(err, 'writing', file); });
    if (opts.overwrite) {
      await rename(tmp, file).catch((err: unknown) => { throw named(err, 'writing', file); });
    } else {
      try {
        await link(tmp, file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new Error(`refusing to overwrite evidence file ${file}`);
        throw named(err, 'writing', file);
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
    throw named(err, 'moving into', to);
  }
  await rm(from, { force: true });
}

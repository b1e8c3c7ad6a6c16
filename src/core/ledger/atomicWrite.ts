// Whole-file atomic replace (temp file in the same folder + rename), refusing when the file changed since it was
// read: an orchestration script auto-commits fix_plan.md, so a half-written or clobbered file is never acceptable.
import { randomBytes } from 'node:crypto';
import { open, readFile, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { LedgerError } from './edits.ts';

export async function atomicWriteIfUnchanged(file: string, expected: Buffer, next: string): Promise<void> {
  const now = await readFile(file).catch((e: NodeJS.ErrnoException) => { throw new LedgerError('io', `${file}: cannot re-read before writing (${e.code ?? e.message}).`); });
  if (!now.equals(expected)) throw new LedgerError('changed', `${file} changed since it was read (someone else edited it); nothing was written. Rerun to compute the edit against the new text.`);
  const mode = (await stat(file)).mode & 0o7777;
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.nb-parity-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  const fh = await open(tmp, 'wx', mode);
  try {
    await fh.writeFile(next, 'utf8');
    await fh.sync();
  } catch (e) {
    await fh.close();
    await unlink(tmp).catch(() => undefined);
    throw new LedgerError('io', `${tmp}: write failed (${(e as Error).message}); ${file} is untouched.`);
  }
  await fh.close();
  // Last check right before the rename narrows the window in which a concurrent edit could be lost.
  const again = await readFile(file);
  if (!again.equals(expected)) {
    await unlink(tmp).catch(() => undefined);
    throw new LedgerError('changed', `${file} changed while the edit was being written; nothing was written. Rerun.`);
  }
  await rename(tmp, file);
}

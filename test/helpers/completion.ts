// Completion markers for the record tests. A real `nb-parity run` writes complete.json itself (BundleWriter), and
// ensureCompletion then leaves that real marker alone; it writes one only for a bundle the test stripped of it
// (e.g. to stand for a cancelled run), the way the writer does: a status and the sha256 of every file.
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { writeCompletion } from '../../src/core/evidence/completion.ts';

export async function ensureCompletion(dir: string, status: 'complete' | 'cancelled' = 'complete'): Promise<void> {
  if (await access(join(dir, 'complete.json')).then(() => true, () => false)) return;
  await writeCompletion(dir, status);
}

/** After a deliberate edit of a finished bundle: the marker rewritten to match, as a careful tamperer would. */
export async function rehash(dir: string): Promise<void> {
  await writeCompletion(dir, 'complete', { replace: true });
}

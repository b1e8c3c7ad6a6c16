// Bundles for the record tests. `record` refuses a bundle without complete.json (the run's last write). Until the
// run writes it itself (the BundleWriter, landing separately), a bundle from a real `nb-parity run` gets it here,
// exactly as the writer makes it: status "complete" and the sha256 of every file. Once the run writes it, this
// finds the marker and leaves it alone, so the tests then check the real one.
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

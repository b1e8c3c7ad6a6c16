// What identifies "the port as it is on disk": the path, modification time and size of every .py file of the module's
// package on PYTHONPATH (the same entries the run imports from). A change re-arms the authoritative check.
// Synchronous on purpose: ~30 small stat calls take well under a millisecond, while as ~30 awaited fs calls they waited
// behind the main thread's work between hops (the C side's previews, encoded as soon as C ends) and delayed the
// start of every warm PyTorch run by ~0.6 s on a busy 2-core machine.
import { createHash } from 'node:crypto';
import { readdirSync, statSync, type Dirent } from 'node:fs';
import { join } from 'node:path';

function pyFiles(dir: string, out: string[]): void {
  let entries: Dirent[];
  try { entries = readdirSync(dir, { withFileTypes: true }); } catch { return; }
  for (const e of entries) {
    if (e.isDirectory() && e.name !== '__pycache__') pyFiles(join(dir, e.name), out);
    else if (e.isFile() && e.name.endsWith('.py')) out.push(join(dir, e.name));
  }
}

/** `sha256(path:mtime:size …)` (16 hex) and the number of files; 'absent' when the package is not on PYTHONPATH. */
export async function portFingerprint(pythonPath: string | undefined, module = 'nanobrag_torch'): Promise<string> {
  const root = module.split('.')[0];
  for (const entry of (pythonPath ?? '').split(':').filter(Boolean)) {
    const files: string[] = [];
    pyFiles(join(entry, root), files);
    if (!files.length) continue;
    files.sort();
    const h = createHash('sha256');
    for (const f of files) {
      let st;
      try { st = statSync(f); } catch { st = undefined; }
      h.update(`${f}:${st?.mtimeMs ?? 'gone'}:${st?.size ?? 0}\n`);
    }
    return `${h.digest('hex').slice(0, 16)} (${files.length} files under ${join(entry, root)})`;
  }
  return `absent (no ${root}/ package on PYTHONPATH)`;
}

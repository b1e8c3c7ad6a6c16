// The completion marker: complete.json is the LAST file a run writes. It names every other file of the bundle with
// its sha256, so a reader can tell a finished bundle from one a kill, crash or full disk cut short.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic.ts';
import { bundleFiles, COMPLETE_SCHEMA } from './layout.ts';

export type CompletionStatus = 'complete' | 'cancelled';

export interface Completion {
  status: CompletionStatus | 'missing';
  finishedAt?: string;
  /** File name → sha256 hex, every file of the bundle except complete.json itself. */
  files?: Record<string, string>;
}

/** sha256 (hex) of one file's bytes, as complete.json records it. */
export async function fileSha256(file: string): Promise<string> {
  return createHash('sha256').update(await readFile(file)).digest('hex');
}

/** sha256 of every regular top-level file (temp files and complete.json excluded), in name order. */
export async function hashBundleFiles(dir: string, known: Record<string, string> = {}): Promise<Record<string, string>> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries.filter((e) => e.isFile() && e.name !== bundleFiles.complete && !/^\..*\.tmp$/.test(e.name)).map((e) => e.name).sort();
  const files: Record<string, string> = {};
  for (const name of names) files[name] = known[name] ?? await fileSha256(join(dir, name));
  return files;
}

/**
 * Write (or, with `replace`, rewrite) complete.json from the files now in the bundle. `known` = hashes already on
 * record (a refresh passes the old marker's, minus the files it rewrote), so a full-size image is not read again.
 */
export async function writeCompletion(dir: string, status: CompletionStatus, opts: { replace?: boolean; known?: Record<string, string> } = {}): Promise<Record<string, string>> {
  const files = await hashBundleFiles(dir, opts.known);
  const marker = { schema: COMPLETE_SCHEMA, status, finishedAt: new Date().toISOString(), files };
  await writeFileAtomic(join(dir, bundleFiles.complete), `${JSON.stringify(marker, null, 2)}\n`, { overwrite: opts.replace });
  return files;
}

/** What complete.json says; 'missing' when it is absent or unreadable (an incomplete bundle, or an older one). */
export async function readCompletion(dir: string): Promise<Completion> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(join(dir, bundleFiles.complete), 'utf8'));
  } catch {
    return { status: 'missing' };
  }
  const m = parsed as { schema?: unknown; status?: unknown; finishedAt?: unknown; files?: unknown };
  if (m?.schema !== COMPLETE_SCHEMA || (m.status !== 'complete' && m.status !== 'cancelled') || typeof m.files !== 'object' || !m.files) return { status: 'missing' };
  return { status: m.status, finishedAt: typeof m.finishedAt === 'string' ? m.finishedAt : undefined, files: m.files as Record<string, string> };
}

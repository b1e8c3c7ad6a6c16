// A parsed copy of a workspace case file, kept in a private folder the caller vouches for (the CLI: its checked runtime
// folder). A `nb-parity run` loaded the yaml library and parsed the repository's 593-line tests/parity_cases.yaml on
// every call (~0.15-0.2 s of a 1 s warm call). The copy is used only when its key matches: the file's path and bytes
// and the parser's code (name, size and mtime of every file next to this module: the CLI bundle's chunks, or these
// sources), so an edit of the file or a new build parses afresh. Best effort: any failure just parses.
import { createHash } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { codeIdentity } from '../codeIdentity.ts';

/** The cached result for (file, text), or the parser's, stored for next time when it survives a JSON round trip. */
export async function cachedParse<T>(dir: string, file: string, text: string, parse: () => Promise<T>): Promise<T> {
  let key: string;
  let path: string;
  try {
    key = createHash('sha256').update(`${codeIdentity()}\0${file}\0${text}`).digest('hex');
    path = join(dir, `cases-${createHash('sha256').update(file).digest('hex').slice(0, 24)}.json`);
    const stored = JSON.parse(await readFile(path, 'utf8')) as { key?: string; result?: T };
    if (stored.key === key && stored.result) return stored.result;
  } catch {
    // no copy yet (or unreadable): parse
  }
  const result = await parse();
  let stored: T;
  try {
    const data = JSON.stringify({ key: key!, result });
    stored = (JSON.parse(data) as { result: T }).result;
    // JSON drops properties whose value is undefined and nothing else we accept (never Infinity, NaN, -0...)
    if (!key! || !isDeepStrictEqual(stored, withoutUndefined(result))) return result;
    const tmp = `${path!}.${process.pid}.tmp`;
    await writeFile(tmp, data, { mode: 0o600 });
    await rename(tmp, path!);
  } catch {
    return result; // a read-only or full folder: the next call parses again
  }
  return stored; // the same shape the next call reads from the copy
}

function withoutUndefined(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutUndefined);
  if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => [k, withoutUndefined(x)]));
  }
  return v;
}

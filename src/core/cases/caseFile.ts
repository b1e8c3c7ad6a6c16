// Reading a workspace case file: both formats (YAML, JSON) treat a missing file as "no cases" and an unreadable one
// as one error naming the file, and only then hand the text to their own parser.
import { readFile } from 'node:fs/promises';
import type { Case } from '../../shared/types.ts';
import { cachedParse } from './parseCache.ts';

/** `unreadable`: case files none of whose cases could be read (syntax error, wrong top level, unreadable file). */
export interface LoadResult { cases: Case[]; errors: string[]; unreadable?: string[] }
type Parser = (text: string, file: string) => LoadResult;

export const YAML_CASES_PATH = 'tests/parity_cases.yaml';
export const USER_CASES_PATH = '.nb-parity/cases.json';

export async function loadCaseFile(file: string, parse: Parser): Promise<LoadResult> {
  return loadCaseFileWith(file, async () => parse);
}

/** The same, with the parser loaded only when the file exists (the YAML and JSON-schema libraries are large). */
export async function loadCaseFileWith(file: string, parser: () => Promise<Parser>, cacheDir?: string): Promise<LoadResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { cases: [], errors: [] };
    return { cases: [], errors: [`${file}: cannot read (${(err as Error).message})`], unreadable: [file] };
  }
  if (cacheDir) return cachedParse(cacheDir, file, text, async () => (await parser())(text, file));
  return (await parser())(text, file);
}

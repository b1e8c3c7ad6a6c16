// Reading a workspace case file: both formats (YAML, JSON) treat a missing file as "no cases" and an unreadable one
// as one error naming the file, and only then hand the text to their own parser.
import { readFile } from 'node:fs/promises';
import type { Case } from '../../shared/types.ts';

export interface LoadResult { cases: Case[]; errors: string[] }

export async function loadCaseFile(file: string, parse: (text: string, file: string) => LoadResult): Promise<LoadResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { cases: [], errors: [] };
    return { cases: [], errors: [`${file}: cannot read (${(err as Error).message})`] };
  }
  return parse(text, file);
}

// All the parity cases of a workspace: the seed's built-ins, tests/parity_cases.yaml, and .nb-parity/cases.json.
import { join } from 'node:path';
import type { Case } from '../../shared/types.ts';
import { BUILTIN_CASES } from './builtin.ts';
import { loadCaseFileWith, USER_CASES_PATH, YAML_CASES_PATH } from './caseFile.ts';

export { BUILTIN_CASES, SEED_FIXTURE, SEED_THRESHOLDS, stemFor } from './builtin.ts';
// The parsers (parseYamlCases in ./yamlCases.ts, parseUserCases and USER_CASES_SCHEMA in ./userCases.ts) are loaded
// only for a workspace that has their file: the yaml and ajv libraries are most of the CLI's start-up code.
export { USER_CASES_PATH, YAML_CASES_PATH } from './caseFile.ts';
export { describeThresholds } from './thresholds.ts';

/** `parseCacheDir`: a private folder where parsed case files may be kept between calls (see parseCache.ts). */
export async function loadCases(workspace: string, opts: { parseCacheDir?: string } = {}): Promise<{ cases: Case[]; errors: string[]; unreadable: string[] }> {
  const [yaml, user] = await Promise.all([
    loadCaseFileWith(join(workspace, YAML_CASES_PATH), async () => (await import('./yamlCases.ts')).parseYamlCases, opts.parseCacheDir),
    loadCaseFileWith(join(workspace, USER_CASES_PATH), async () => (await import('./userCases.ts')).parseUserCases, opts.parseCacheDir),
  ]);
  const errors = [...yaml.errors, ...user.errors];
  const cases: Case[] = [];
  const byId = new Map<string, Case>();
  const byStem = new Map<string, Case>();
  for (const c of [...BUILTIN_CASES.map((b) => structuredClone(b) as Case), ...yaml.cases, ...user.cases]) {
    const prev = byId.get(c.id);
    if (prev) {
      errors.push(`${where(c)}: case id "${c.id}" is already defined by ${where(prev)}; rename one of them (this one is skipped)`);
      continue;
    }
    const stemOwner = byStem.get(c.fileStem);
    if (stemOwner) {
      // Two cases writing the same py_<stem>.bin would overwrite each other's evidence in one bundle.
      errors.push(`${where(c)}: file stem "${c.fileStem}" of "${c.id}" is already used by "${stemOwner.id}"; give it its own fileStem (this one is skipped)`);
      continue;
    }
    byId.set(c.id, c);
    byStem.set(c.fileStem, c);
    cases.push(c);
  }
  return { cases, errors, unreadable: [...(yaml.unreadable ?? []), ...(user.unreadable ?? [])] };
}

function where(c: Case): string {
  return c.location ? `${c.location.file}:${c.location.line + 1}` : `built-in ${c.id}`;
}

/** Select cases by id (exact, then case-insensitive, then "<id>/" prefix for all runs of a YAML case). */
export function selectCases(all: Case[], wanted: string[]): { cases: Case[]; unknown: string[] } {
  if (!wanted.length) return { cases: all.filter((c) => c.source === 'builtin'), unknown: [] };
  const out: Case[] = [];
  const unknown: string[] = [];
  for (const w of wanted) {
    const lw = w.toLowerCase();
    let hits = all.filter((c) => c.id === w);
    if (!hits.length) hits = all.filter((c) => c.id.toLowerCase() === lw || c.fileStem === lw);
    if (!hits.length) hits = all.filter((c) => c.id.toLowerCase().startsWith(`${lw}/`));
    if (!hits.length) unknown.push(w);
    for (const h of hits) if (!out.includes(h)) out.push(h);
  }
  return { cases: out, unknown };
}

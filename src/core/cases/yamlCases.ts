// tests/parity_cases.yaml (formats.md §5): one Case per run, id "<case id>/<run name>", run thresholds replace the
// case's entirely, flags = base_args + extra_args. Keeps the 0-based line of each run for the Test Explorer.
import { LineCounter, isMap, isSeq, parseDocument, type YAMLMap } from 'yaml';
import type { Case, Roi, Thresholds } from '../../shared/types.ts';
import { roiFromValue } from '../../shared/roi.ts';
import { SEED_THRESHOLDS, stemFor } from './builtin.ts';
import { loadCaseFile, type LoadResult } from './caseFile.ts';
import { splitArgs } from './flags.ts';
import { CONTROL_CHARS, describeControl, didYouMean } from './suggest.ts';
import { thresholdsFromSnake } from './thresholds.ts';

export { YAML_CASES_PATH } from './caseFile.ts';

export function loadYamlCases(file: string): Promise<LoadResult> {
  return loadCaseFile(file, parseYamlCases);
}

export function parseYamlCases(text: string, file: string): LoadResult {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  const errors: string[] = [];
  const cases: Case[] = [];
  /** 1-based line of a key of a map (the key itself: its value may be empty). */
  const keyLine = (map: YAMLMap, key: string): number => {
    const pair = map.items.find((p) => String((p.key as { value?: unknown } | null)?.value) === key);
    return lineOf(pair?.key as YAMLMap | undefined) + 1;
  };
  const lineOf = (node: { range?: [number, number, number] | null } | null | undefined): number =>
    node?.range ? lc.linePos(node.range[0]).line - 1 : 0;
  if (doc.errors.length) {
    // linePos is only filled in with prettyErrors; the offset is always there.
    for (const e of doc.errors) errors.push(`${file}:${e.linePos?.[0].line ?? lc.linePos(e.pos[0]).line}: YAML syntax error: ${e.message.split('\n')[0]}`);
    return { cases, errors, unreadable: [file] };
  }
  const list = doc.get('cases', true);
  if (!isSeq(list)) {
    errors.push(`${file}: expected a top-level "cases:" list (formats: cases: [{id, base_args, runs: [{name, extra_args}]}])`);
    return { cases, errors, unreadable: [file] };
  }
  list.items.forEach((item, ci) => {
    const where = `${file}:${lineOf(item as YAMLMap) + 1}: cases[${ci}]`;
    if (!isMap(item)) { errors.push(`${where}: expected a mapping with id, base_args and runs`); return; }
    const raw = item.toJSON() as Record<string, unknown>;
    const id = typeof raw.id === 'string' || typeof raw.id === 'number' ? String(raw.id) : undefined;
    if (!id) { errors.push(`${where}: missing "id"; give every case a unique id`); return; }
    const idAt = `${file}:${lineOf(item.get('id', true) as unknown as YAMLMap) + 1}: cases[${ci}]`;
    if (CONTROL_CHARS.test(id)) { errors.push(`${idAt}: case id ${JSON.stringify(id)} contains ${describeControl(id)}; ids go into fix_plan.md headings and commands.txt, keep them on one line (a YAML block scalar "|" or ">" adds a newline)`); return; }
    if (!unknownKeys(item, CASE_KEYS, file, lineOf, `cases[${ci}]`, id, errors)) return;
    let base: string[];
    try { base = argList(raw.base_args); } catch (e) { errors.push(`${where} (${id}).base_args: ${(e as Error).message}`); return; }
    const caseTh = thresholdsFromSnake(raw.thresholds, `${file}:${keyLine(item, 'thresholds')}: cases[${ci}] (${id}).thresholds`, errors);
    if (caseTh === null) return;
    const caseRoi = roiOf(raw.roi, `${file}:${keyLine(item, 'roi')}: cases[${ci}] (${id}).roi`, errors);
    if (caseRoi === null) return;
    const runsNode = item.get('runs', true);
    const description = typeof raw.description === 'string' ? raw.description : undefined;
    if (runsNode === undefined || runsNode === null) {
      cases.push(makeCase(id, id, description, base, caseTh, caseRoi, file, lineOf(item)));
      return;
    }
    if (!isSeq(runsNode)) { errors.push(`${where} (${id}).runs: expected a list of {name, extra_args}`); return; }
    runsNode.items.forEach((runNode, ri) => {
      const rwhere = `${file}:${lineOf(runNode as YAMLMap) + 1}: ${id}.runs[${ri}]`;
      if (!isMap(runNode)) { errors.push(`${rwhere}: expected a mapping with name and extra_args`); return; }
      const run = runNode.toJSON() as Record<string, unknown>;
      const name = typeof run.name === 'string' || typeof run.name === 'number' ? String(run.name) : undefined;
      if (!name) { errors.push(`${rwhere}: missing "name"; every run needs a name (the case id becomes ${id}/<name>)`); return; }
      if (CONTROL_CHARS.test(name)) { errors.push(`${file}:${lineOf(runNode.get('name', true) as unknown as YAMLMap) + 1}: ${id}.runs[${ri}]: run name ${JSON.stringify(name)} contains ${describeControl(name)}; keep it on one line`); return; }
      if (!unknownKeys(runNode, RUN_KEYS, file, lineOf, `${id}.runs[${ri}]`, `${id}/${name}`, errors)) return;
      let extra: string[];
      try { extra = argList(run.extra_args); } catch (e) { errors.push(`${rwhere}.extra_args: ${(e as Error).message}`); return; }
      // A run's thresholds replace the case's entirely (formats.md §5), they are not merged.
      const th = 'thresholds' in run ? thresholdsFromSnake(run.thresholds, `${file}:${keyLine(runNode, 'thresholds')}: ${id}.runs[${ri}].thresholds`, errors) : caseTh;
      if (th === null) return;
      // Like thresholds, a run's roi replaces the case's.
      const roi = 'roi' in run ? roiOf(run.roi, `${file}:${keyLine(runNode, 'roi')}: ${id}.runs[${ri}].roi`, errors) : caseRoi;
      if (roi === null) return;
      cases.push(makeCase(`${id}/${name}`, `${id} ${name}`, description, [...base, ...extra], th, roi, file, lineOf(runNode as YAMLMap)));
    });
  });
  return { cases, errors };
}

const CASE_KEYS = ['id', 'description', 'base_args', 'thresholds', 'roi', 'runs'] as const;
const RUN_KEYS = ['name', 'description', 'extra_args', 'thresholds', 'roi'] as const;

/** `undefined`: no roi key; `null`: a roi that cannot be read (an error is pushed: the case is not run, never run on the full frame instead). */
function roiOf(v: unknown, where: string, errors: string[]): Roi | undefined | null {
  if (v === undefined) return undefined;
  try {
    return roiFromValue(v, '');
  } catch (e) {
    errors.push(`${where}: ${(e as Error).message.trim()}; the case is not run (remove the key to judge the full frame)`);
    return null;
  }
}

/** Unknown keys are errors, not silently dropped: `treshold:` would otherwise leave the case ungated. */
function unknownKeys(node: YAMLMap, known: readonly string[], file: string, lineOf: (n: YAMLMap) => number, where: string, id: string, errors: string[]): boolean {
  let ok = true;
  for (const pair of node.items) {
    const k = String((pair.key as { value?: unknown } | null)?.value ?? pair.key);
    if (known.includes(k)) continue;
    errors.push(`${file}:${lineOf(pair.key as YAMLMap) + 1}: ${where} (${id}): unknown key "${k}"${didYouMean(k, known)} (known: ${known.join(', ')}); the case is not run`);
    ok = false;
  }
  return ok;
}

function argList(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  if (typeof v === 'string') return splitArgs(v);
  if (Array.isArray(v)) return v.map(String);
  throw new Error('expected a string of flags or a list');
}

function makeCase(id: string, label: string, description: string | undefined, flags: string[], th: Thresholds | undefined,
  roi: Roi | undefined, file: string, line: number): Case {
  // A case without any thresholds would pass vacuously: the seed's gate applies instead (documented in docs/cases.md).
  return { id, label, description, source: 'yaml', flags, fileStem: stemFor(id), thresholds: th ?? { ...SEED_THRESHOLDS }, ...(roi ? { roi } : {}), location: { file, line } };
}

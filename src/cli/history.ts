// `nb-parity history CASE`: every bundle of a workspace that ran a case, newest first — the shell's view of the
// panel's History section, for loops that ask "did my last edits move TC-D3?" without opening VS Code.
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { stat } from 'node:fs/promises';
import { caseHistory } from '../core/compare/history.ts';
import { historyChart, historyRowDetail, historyRowLabel } from '../shared/historyText.ts';
import { badInput, parseCommandArgs } from './usage.ts';

/** Points of the terminal chart: one character each, so a long history stays on one line. */
const CHART_POINTS = 60;

const HELP = `usage: nb-parity history CASE [--workspace DIR] [--candidate ENGINE] [--reference ENGINE] [--limit N] [--json]

Lists every evidence bundle of the workspace that ran CASE (and its what-if runs, marked), newest first: verdict,
STAMP, corr, sum ratio, max|Δ|, engines and the workspace git commit recorded when the bundle was made, under a
one-line chart of corr over time (the newest ${CHART_POINTS} bundles at most). --candidate / --reference ENGINE (c, torch
or embedded) keep only the bundles that ran those engines, so a C-vs-C sanity run is not charted with the port's runs.
--limit N lists the newest N (default: all). --json prints the rows.

exit status: 0 (also when no bundle ran the case: the list is empty), 2 bad input.`;

const ENGINES = ['c', 'torch', 'embedded'];
const filterText = (v: { candidate?: string; reference?: string }) =>
  (v.candidate || v.reference ? ` with candidate ${v.candidate ?? 'any'} vs reference ${v.reference ?? 'any'}` : '');

export async function historyCommand(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs('history', HELP, () => parseArgs({ args: argv, allowPositionals: true, options: {
    workspace: { type: 'string', short: 'w' }, limit: { type: 'string' }, candidate: { type: 'string' }, reference: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
  } }));
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const bad = badInput('history');
  if (positionals.length !== 1) return bad(`expected one case id, got ${positionals.length}\n\n${HELP}`);
  const limit = values.limit === undefined ? Infinity : Number(values.limit);
  if (!(Number.isInteger(limit) && limit > 0) && limit !== Infinity) return bad(`--limit "${values.limit}": expected a positive integer`);
  const workspace = resolve(values.workspace ?? process.cwd());
  if (!(await stat(workspace).then((s) => s.isDirectory(), () => false))) return bad(`--workspace ${workspace}: no such folder`);
  for (const side of ['candidate', 'reference'] as const) {
    const e = values[side];
    if (e !== undefined && !ENGINES.includes(e)) return bad(`--${side} ${e}: expected one of ${ENGINES.join(', ')}`);
  }
  const caseId = positionals[0];
  const all = (await caseHistory(workspace, caseId))
    .filter((r) => (!values.candidate || r.candidateEngine === values.candidate) && (!values.reference || r.referenceEngine === values.reference));
  const rows = all.slice(0, limit);
  if (values.json) {
    console.log(JSON.stringify({ workspace, caseId, total: all.length, rows }, null, 2));
    return 0;
  }
  if (!rows.length) {
    console.log(`no bundle in ${workspace} ran ${caseId}${filterText(values)}`);
    return 0;
  }
  const charted = all.slice(0, CHART_POINTS);
  console.log(`${caseId}: ${all.length} bundle(s)${filterText(values)}, ${historyChart(charted)}${charted.length < all.length ? ` (newest ${charted.length})` : ''}`);
  for (const r of rows) console.log(`  ${historyRowLabel(r)}\n    ${historyRowDetail(r)}\n    ${r.bundleDir}`);
  if (rows.length < all.length) console.log(`  … ${all.length - rows.length} older (--limit)`);
  return 0;
}

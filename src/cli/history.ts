// `nb-parity history CASE`: every bundle of a workspace that ran a case, newest first — the shell's view of the
// panel's History section, for loops that ask "did my last edits move TC-D3?" without opening VS Code.
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { stat } from 'node:fs/promises';
import { caseHistory } from '../core/compare/history.ts';
import { historyChart, historyRowDetail, historyRowLabel } from '../shared/historyText.ts';
import { badInput, parseCommandArgs } from './usage.ts';

const HELP = `usage: nb-parity history CASE [--workspace DIR] [--limit N] [--json]

Lists every evidence bundle of the workspace that ran CASE (and its what-if runs, marked), newest first: verdict,
STAMP, corr, sum ratio, max|Δ|, engines and the workspace git commit recorded when the bundle was made, under a
one-line chart of corr over time. --limit N shows the newest N (default: all). --json prints the rows.

exit status: 0 (also when no bundle ran the case: the list is empty), 2 bad input.`;

export async function historyCommand(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs('history', HELP, () => parseArgs({ args: argv, allowPositionals: true, options: {
    workspace: { type: 'string', short: 'w' }, limit: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
  } }));
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const bad = badInput('history');
  if (positionals.length !== 1) return bad(`expected one case id, got ${positionals.length}\n\n${HELP}`);
  const limit = values.limit === undefined ? Infinity : Number(values.limit);
  if (!(Number.isInteger(limit) && limit > 0) && limit !== Infinity) return bad(`--limit "${values.limit}": expected a positive integer`);
  const workspace = resolve(values.workspace ?? process.cwd());
  if (!(await stat(workspace).then((s) => s.isDirectory(), () => false))) return bad(`--workspace ${workspace}: no such folder`);
  const caseId = positionals[0];
  const all = await caseHistory(workspace, caseId);
  const rows = all.slice(0, limit);
  if (values.json) {
    console.log(JSON.stringify({ workspace, caseId, total: all.length, rows }, null, 2));
    return 0;
  }
  if (!rows.length) {
    console.log(`no bundle in ${workspace} ran ${caseId}`);
    return 0;
  }
  console.log(`${caseId}: ${all.length} bundle(s), ${historyChart(all)}`);
  for (const r of rows) console.log(`  ${historyRowLabel(r)}\n    ${historyRowDetail(r)}\n    ${r.bundleDir}`);
  if (rows.length < all.length) console.log(`  … ${all.length - rows.length} older (--limit)`);
  return 0;
}

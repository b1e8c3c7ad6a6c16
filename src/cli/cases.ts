// `nb-parity cases [--workspace DIR] [--json]`: every case of a workspace with where it comes from.
import { parseArgs } from 'node:util';
import { relative, resolve } from 'node:path';
import { stat } from 'node:fs/promises';
import { describeThresholds, loadCases } from '../core/cases/index.ts';
import { formatRoi } from '../shared/roi.ts';
import { parseFailed } from './usage.ts';

const HELP = `usage: nb-parity cases [--workspace DIR] [--json]

Lists the parity cases of a workspace: the built-in TC-D1/TC-D3, tests/parity_cases.yaml, .nb-parity/cases.json.
Exit status: 0, or 1 when a case file has errors (they are printed on stderr; the good cases are still listed).`;

export async function casesCommand(argv: string[]): Promise<number> {
  let values: { workspace?: string; json?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({ args: argv, options: { workspace: { type: 'string', short: 'w' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: false }));
  } catch (err) {
    return parseFailed('cases', err, HELP);
  }
  if (values.help) { console.log(HELP); return 0; }
  const workspace = resolve(values.workspace ?? process.cwd());
  if (!(await stat(workspace).then((s) => s.isDirectory(), () => false))) {
    console.error(`nb-parity cases: --workspace ${workspace}: no such folder`);
    return 2;
  }
  const { cases, errors } = await loadCases(workspace);
  for (const e of errors) console.error(`nb-parity cases: ${e}`);
  if (values.json) {
    console.log(JSON.stringify({ workspace, cases, errors }, null, 2));
  } else {
    const rows = cases.map((c) => [c.id, c.source === 'builtin' ? 'built-in' : `${relative(workspace, c.location?.file ?? '')}:${(c.location?.line ?? 0) + 1}`, `${describeThresholds(c.thresholds)}${c.roi ? ` on ROI ${formatRoi(c.roi)}` : ''}`]);
    const w0 = Math.max(4, ...rows.map((r) => r[0].length));
    const w1 = Math.max(6, ...rows.map((r) => r[1].length));
    console.log(`${'case'.padEnd(w0)}  ${'source'.padEnd(w1)}  thresholds`);
    for (const r of rows) console.log(`${r[0].padEnd(w0)}  ${r[1].padEnd(w1)}  ${r[2]}`);
    console.log(`\n${cases.length} case(s) in ${workspace}`);
  }
  return errors.length ? 1 : 0;
}

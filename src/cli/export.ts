// `nb-parity export BUNDLE --case ID --format npy|csv`: a case's images and Δ as .npy, or its metrics table as CSV.
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { exportCase, type ExportFormat } from '../core/export/caseExport.ts';
import { parseRoi } from '../core/metrics/roi.ts';
import { parseFailed } from './usage.ts';

const HELP = `usage: nb-parity export BUNDLE --case ID --format npy|csv [--out DIR] [--roi X0,X1,Y0,Y1]…

npy: <stem>_reference.npy, <stem>_candidate.npy and <stem>_delta.npy (candidate − reference), float32 (slow, fast);
     numpy.load reads them. csv: <stem>_metrics.csv, one row for the full frame and one per --roi (fast min, fast max,
     slow min, slow max; inclusive). Files go to --out (default: the current folder; created if missing); an existing
     file is never overwritten, and the bundle is never modified.

exit status: 0 written, 2 an error.`;

export async function exportCommand(argv: string[]): Promise<number> {
  let values: { case?: string; format?: string; out?: string; roi?: string[]; help?: boolean }, positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: {
      case: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' }, roi: { type: 'string', multiple: true }, help: { type: 'boolean', short: 'h' },
    } }));
  } catch (err) {
    return parseFailed('export', err, HELP);
  }
  if (values.help) { console.log(HELP); return 0; }
  const bad = (m: string) => { console.error(`nb-parity export: ${m}\n\n${HELP}`); return 2; };
  if (positionals.length !== 1) return bad(`expected one bundle folder, got ${positionals.length}`);
  if (!values.case) return bad('--case ID is required');
  if (values.format !== 'npy' && values.format !== 'csv') return bad(`--format ${values.format ?? '(missing)'}: expected npy or csv`);
  try {
    const rois = (values.roi ?? []).map((r) => parseRoi(r));
    const out = resolve(values.out ?? '.');
    await mkdir(out, { recursive: true });
    for (const f of await exportCase(resolve(positionals[0]), values.case, values.format as ExportFormat, out, rois)) console.log(f);
    return 0;
  } catch (err) {
    console.error(`nb-parity export: ${(err as Error).message}`);
    return 2;
  }
}

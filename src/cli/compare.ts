// `nb-parity compare A B`: did a change move a case, which side, where — better, worse or unchanged.
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { compareBundles, previousBundle, type BundleComparison, type MetricChange } from '../core/compare/bundles.ts';
import { parseRoi, formatRoi, type Roi } from '../core/metrics/roi.ts';
import { formatNumber, JS_SPECIALS } from '../shared/format.ts';
import { parseFailed } from './usage.ts';

const HELP = `usage: nb-parity compare A B [--case ID] [--roi X0,X1,Y0,Y1] [--json]
       nb-parity compare B --previous [--case ID] [--roi …] [--json]

Compares two evidence bundles case by case: both verdicts, every metric with its change, how each side's image
moved (candidate A vs B, reference A vs B: how many pixels, max |Δ| and where), and better / worse / unchanged
judged against the case thresholds. --previous compares B with the newest older bundle of its workspace that ran
the same case. --roi X0,X1,Y0,Y1 adds the metrics of that region (fast min, fast max, slow min, slow max; inclusive).

exit status: 0 every case unchanged or better, 1 some case got worse, 2 an error.`;

const fmt = (v: number | null) => (formatNumber(v, { form: 'significant', digits: 7, plain: [1e-3, 1e6], exponentDigits: 4, missing: '—', ...JS_SPECIALS }));
const fmtDelta = (v: number | null) => (v === null ? '' : v === 0 ? '0' : `${v > 0 ? '+' : ''}${fmt(v)}`);

function metricTable(rows: MetricChange[]): string[] {
  return rows.filter((r) => r.a !== null || r.b !== null).map((r) => `    ${r.metric.padEnd(13)} ${fmt(r.a).padStart(14)} → ${fmt(r.b).padEnd(14)} ${fmtDelta(r.delta)}`);
}

export function comparisonText(c: BundleComparison): string {
  const out = [`A ${c.a.dir}`, `B ${c.b.dir}`, ''];
  for (const k of c.cases) {
    out.push(`${k.caseId}: ${k.change.toUpperCase()} — ${k.why}`, `  verdict ${k.a.status} → ${k.b.status}`, `  ${k.moved}`, ...metricTable(k.metrics));
    if (k.roi) out.push(`  ROI ${formatRoi(k.roi.roi)}: ${k.roi.change} — ${k.roi.why}`, ...metricTable(k.roi.metrics));
    out.push('');
  }
  if (c.onlyInA.length) out.push(`only in A: ${c.onlyInA.join(', ')}`);
  if (c.onlyInB.length) out.push(`only in B: ${c.onlyInB.join(', ')}`);
  out.push(`${c.summary.better} better, ${c.summary.worse} worse, ${c.summary.unchanged} unchanged`);
  return out.join('\n');
}

export async function compareCommand(argv: string[]): Promise<number> {
  let values: { case?: string; roi?: string; json?: boolean; previous?: boolean; help?: boolean }, positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: {
      case: { type: 'string' }, roi: { type: 'string' }, json: { type: 'boolean' }, previous: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    } }));
  } catch (err) {
    return parseFailed('compare', err, HELP);
  }
  if (values.help) { console.log(HELP); return 0; }
  const want = values.previous ? 1 : 2;
  if (positionals.length !== want) {
    console.error(`nb-parity compare: expected ${want === 2 ? 'two bundle folders A B' : 'one bundle folder with --previous'}, got ${positionals.length}\n\n${HELP}`);
    return 2;
  }
  try {
    const roi: Roi | undefined = values.roi ? parseRoi(values.roi) : undefined;
    let [a, b] = positionals.map((p) => resolve(p));
    if (values.previous) {
      b = a;
      const prev = await previousBundle(b, values.case);
      if (!prev) throw new Error(`${b}: no older bundle in its workspace ran ${values.case ?? 'any of its cases'}`);
      a = prev;
    }
    const result = await compareBundles(a, b, { caseId: values.case, roi });
    console.log(values.json ? JSON.stringify(result, null, 2) : comparisonText(result));
    return result.summary.worse ? 1 : 0;
  } catch (err) {
    console.error(`nb-parity compare: ${(err as Error).message}`);
    return 2;
  }
}

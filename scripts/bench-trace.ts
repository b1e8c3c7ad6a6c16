// `node --import tsx scripts/bench-trace.ts`: parse + align + compare of the seed's real C and PyTorch traces
// (tc_d3_seed: ~190 and ~100 lines). Target ≤ 20 ms. Printed, not asserted (the machine is shared).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchTrace } from '../src/core/trace/bench.ts';

export function printTraceBench(): void {
  const dir = join(import.meta.dirname, '..', 'test', 'fixtures', 'traces');
  const c = readFileSync(join(dir, 'tc_d3_seed.c.trace.log'), 'utf8');
  const py = readFileSync(join(dir, 'tc_d3_seed.py.trace.log'), 'utf8');
  const r = benchTrace(c, py);
  console.log(
    `trace parse + align + compare (tc_d3_seed, ${r.lines} lines, ${r.rows} rows): median ${r.medianMs.toFixed(2)} ms, best ${r.bestMs.toFixed(2)} ms (target ≤ 20 ms: ${r.medianMs <= 20 ? 'met' : 'NOT met'})`,
  );
}

if (import.meta.filename === process.argv[1]) printTraceBench();

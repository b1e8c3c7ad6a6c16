// Timing of parse + align + compare for `npm run bench` and scripts/bench-trace.ts (printed, not asserted).
import { compareTraces } from './diff.ts';
import { parseTrace } from './parse.ts';

/** Best-of-`repeats` and median wall time of one full comparison of two trace texts, after a warm-up. */
export function benchTrace(reference: string, candidate: string, repeats = 50): { bestMs: number; medianMs: number; lines: number; rows: number } {
  let rows = compareTraces(parseTrace(reference), parseTrace(candidate)).rows.length;
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    rows = compareTraces(parseTrace(reference), parseTrace(candidate)).rows.length;
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const lines = Math.max(reference.split('\n').length, candidate.split('\n').length);
  return { bestMs: times[0], medianMs: times[Math.floor(times.length / 2)], lines, rows };
}

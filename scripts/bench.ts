// `npm run bench`: what orchestration costs on top of the simulators, and how fast the metrics are.
//   1. The demo's TC-D1/TC-D3 parity (embedded engine on both sides, presets c / pytorch) through the built CLI:
//      runParity's own wall time (case loading excluded, bundle on disk included) and the whole `nb-parity run`
//      process, against the simulators' own time = Σ over cases of the slower side's simulator time (the two sides
//      run concurrently). Target: orchestration overhead (runParity wall / simulators − 1) ≤ 10 %.
//   2. computeMetrics on a 4096² pair. Target ≤ 0.5 s. Then parse + align + compare of two real traces (≤ 20 ms).
//      Regions and peaks (bench-regions.ts): the peak search's share of a 1024² run (a few %), `nb-parity compare` of
//      two 1024² bundles (≤ 1 s), computeRoiMetrics 200×200 and full frame on 1024² (≤ 50 ms).
//   3. One attribution (--explain) of the demo's TC-D1 gap.
//   4. With NB_C_BIN and NB_TORCH_WORKSPACE (a nanoBragg checkout with src/nanobrag_torch) set, the same for the real
//      C vs PyTorch pair (simulator time there = each program's wall time, which includes Python start-up).
// Ratios are printed, not asserted: the machine is shared, so a timing is evidence, not a test. Uses the built
// dist/cli.mjs (npm run bench builds first), so the embedded engine runs exactly as users run it.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { benchMetrics } from '../src/core/metrics/metrics.ts';
import { printTraceBench } from './bench-trace.ts';

const ROOT = join(import.meta.dirname, '..');
const ms = (x: number | null | undefined) => (typeof x === 'number' && Number.isFinite(x) ? `${x.toFixed(0)} ms` : 'n/a');
const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

interface RunJson {
  bundle: string; wallMs: number | null; exitCode: number;
  timing: { prepareMs: number; finalizeMs: number; cases: { caseId: string; preflightMs: number; runMs: number; postMs: number }[] } | null;
  cases: { caseId: string; verdict: string; metrics: { correlation: number | null; sum_ratio: number | null };
    reference: { simMs: number | null; wallMs: number }; candidate: { simMs: number | null; wallMs: number };
    attribution: { status?: string; summary?: string; simulations?: number; elapsedMs?: number } | null }[];
}

/** A copy of the demo workspace in a temporary folder, removed when the bench exits (also after an error). */
function demoWorkspace(): string {
  const root = mkdtempSync(join(tmpdir(), 'nb-parity-bench-'));
  process.once('exit', () => rmSync(root, { recursive: true, force: true }));
  const ws = join(root, 'demo-workspace');
  cpSync(join(ROOT, 'examples/demo-workspace'), ws, { recursive: true });
  return ws;
}

async function cliRun(args: string[], env: Record<string, string> = {}): Promise<{ processMs: number; json: RunJson }> {
  const t0 = performance.now();
  const r = await execa(process.execPath, [join(ROOT, 'bin/nb-parity.mjs'), 'run', ...args, '--json', '--quiet'], { reject: false, env: { NB_PARITY_TORCH_MODE: 'cold', ...env } });
  const processMs = performance.now() - t0;
  if (r.exitCode === 2 && !r.stdout) throw new Error(`nb-parity run failed: ${r.stderr}`);
  const json = JSON.parse(r.stdout) as RunJson;
  if (json.cases.some((c) => c.verdict === 'error')) console.log(`  note: a case ended in error: ${r.stdout.slice(0, 300)}`);
  return { processMs, json };
}

/** The critical path if orchestration were free: per case, the slower side's own simulator time. */
const simulatorMs = (j: RunJson) => j.cases.reduce((s, c) => s + Math.max(c.reference.simMs ?? c.reference.wallMs, c.candidate.simMs ?? c.candidate.wallMs), 0);

function report(label: string, runs: { processMs: number; json: RunJson }[]): void {
  const best = runs.reduce((a, b) => ((b.json.wallMs ?? Infinity) < (a.json.wallMs ?? Infinity) ? b : a));
  const sim = simulatorMs(best.json);
  const wall = best.json.wallMs ?? NaN;
  const overhead = wall / sim - 1;
  console.log(`${label} [best of ${runs.length}]`);
  console.log(`  runParity end-to-end ${ms(wall)}, simulators ${ms(sim)}, ratio ${(wall / sim).toFixed(3)} → orchestration overhead ${pct(overhead)} (target ≤ 10 %: ${overhead <= 0.1 ? 'met' : 'NOT met'})`);
  console.log(`  whole nb-parity process ${ms(best.processMs)} (ratio ${(best.processMs / sim).toFixed(3)}; adds node start-up and module load ${ms(best.processMs - wall)})`);
  const t = best.json.timing;
  if (t) {
    console.log(`  where the time goes: prepare ${ms(t.prepareMs)}; ${t.cases.map((c) => `${c.caseId} preflight ${ms(c.preflightMs)} + both sides ${ms(c.runMs)} + post ${ms(c.postMs)}`).join('; ')}; finalize ${ms(t.finalizeMs)}`);
  }
  for (const c of best.json.cases) {
    console.log(`  ${c.caseId}: ${c.verdict}, corr ${c.metrics.correlation?.toFixed(6)}, sum ratio ${c.metrics.sum_ratio?.toFixed(4)}; reference ${ms(c.reference.simMs ?? c.reference.wallMs)}, candidate ${ms(c.candidate.simMs ?? c.candidate.wallMs)}`);
  }
}

console.log(`nb-parity bench — node ${process.version}, ${cpus().length} cores, load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}\n`);

// 1. Demo parity. The first run warms the file cache and is not counted.
const ws = demoWorkspace();
const demoArgs = ['TC-D1', 'TC-D3', '--workspace', ws, '--candidate', 'embedded', '--candidate-preset', 'pytorch', '--reference', 'embedded', '--reference-preset', 'c'];
await cliRun(demoArgs);
const runs = [];
for (let i = 0; i < 3; i++) runs.push(await cliRun(demoArgs));
report('demo TC-D1+TC-D3 parity, embedded (preset c) vs embedded (preset pytorch)', runs);

// 2. Metrics on 4096².
const m = benchMetrics(4096, 4096, 3);
console.log(`\nmetrics on a 4096² pair: ${ms(m.ms)} (target ≤ 500 ms: ${m.ms <= 500 ? 'met' : 'NOT met'})`);
printTraceBench();
// 2b. Regions of interest and peaks on a 1024² case: peak-search share of a run, compare of two bundles, ROI metrics.
await (await import('./bench-regions.ts')).benchRegions(ws);

// 3. Attribution of the demo's TC-D1 gap.
const explained = await cliRun(['TC-D1', '--workspace', ws, '--candidate', 'embedded', '--reference', 'embedded', '--explain']);
const a = explained.json.cases[0].attribution;
console.log(a ? `attribution of TC-D1 (--explain): ${a.status}, ${a.simulations ?? '?'} simulations in ${ms(a.elapsedMs)} — ${a.summary}` : 'attribution of TC-D1: not produced');

// 4. The real pair, when the user's programs are given.
const torchWs = process.env.NB_TORCH_WORKSPACE;
if (process.env.NB_C_BIN && torchWs) {
  const real = await cliRun(['TC-D1', 'TC-D3', '--workspace', torchWs, '--candidate', 'torch', '--reference', 'c', '--env', `NANOBRAGG_DISABLE_COMPILE=${process.env.NANOBRAGG_DISABLE_COMPILE ?? '1'}`]);
  report(`\nreal C vs PyTorch TC-D1+TC-D3 (${torchWs}, cold PyTorch)`, [real]);
  // Warm-torch hook: add the same line with `--env`/settings for torchMode warm here (cold vs warm).
} else if (process.env.NB_C_BIN) {
  // No PyTorch port given: the real C binary against the embedded engine (preset c) still measures the C runner.
  const cOnly = await cliRun(['TC-D1', 'TC-D3', '--workspace', ws, '--candidate', 'embedded', '--candidate-preset', 'c', '--reference', 'c']);
  report(`\nreal C (${process.env.NB_C_BIN}) vs embedded (preset c) TC-D1+TC-D3`, [cOnly]);
  console.log('real C vs PyTorch: skipped (set NB_TORCH_WORKSPACE=<nanoBragg checkout with src/nanobrag_torch> too)');
} else {
  console.log('\nreal C vs PyTorch: skipped (set NB_C_BIN and NB_TORCH_WORKSPACE=<nanoBragg checkout> to measure it)');
}
// 4b. A pixel trace of a 256² case end to end (stand-ins, embedded, and the real pair when given).
await (await import('./bench-traceRun.ts')).benchTraceRun();
// 5. Cold vs warm PyTorch runs (demo with the stand-in port; the real pair too when NB_TORCH_WORKSPACE is set).
await (await import('./bench-warm.ts')).benchWarm();
// 6. The extension pipeline without the UI at 256² and 1024²: bundle completion, the panel's first-paint work, reads.
console.log('\nextension pipeline (runParity + results panel view model + image messages, embedded engine):');
await import('./bench-panel.ts');

// 7. Whole nb-parity processes: cold CLI vs the per-user warm server daemon (issue 14).
await (await import('./bench-cli.ts')).benchCli();

// 8. The repository's 55-run parity matrix: cold CLI vs the warm server (stand-in port; the real pair when given).
await (await import('./bench-matrix.ts')).benchMatrix();

// A pixel trace of a 256² case (TC-D3), end to end: runTrace in-process (both sides with -trace_pixel, compare,
// filing into an existing bundle), best of 3 after one warm-up. Target (issue 11): ≤ 1.0 s with warm PyTorch.
//   stand-ins: test/fixtures/standins in replay mode (node processes printing the real seed traces): the
//              orchestration's own cost with two process launches.
//   embedded:  the embedded engine on both sides (when it traces).
//   real:      NB_C_BIN + NB_TORCH_WORKSPACE (a nanoBragg checkout with src/nanobrag_torch): cold and warm PyTorch.
// Run alone with `node --import tsx scripts/bench-traceRun.ts`, or as part of `npm run bench`.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCases, selectCases } from '../src/core/cases/index.ts';
import { runParity, type RunSettings } from '../src/core/parity.ts';
import { runTrace, type TraceRunOptions } from '../src/core/run/trace.ts';
import { disposeWarmServers } from '../src/core/engines/torch/warm/index.ts';
import * as simulator from '../src/core/simulator/index.ts';
import type { EngineId } from '../src/shared/types.ts';

const ROOT = join(import.meta.dirname, '..');
const TRACES = join(ROOT, 'test/fixtures/traces');
const ms = (x: number) => `${x.toFixed(0)} ms`;

interface Target { label: string; workspace: string; reference: EngineId; candidate: EngineId; settings: RunSettings; env?: Record<string, string> }

async function measure(t: Target, repeats = 3): Promise<void> {
  const saved = { ...process.env };
  Object.assign(process.env, t.env ?? {});
  try {
    const { cases } = await loadCases(t.workspace);
    const caseDef = selectCases(cases, ['TC-D3']).cases[0];
    const bundle = await runParity({ workspace: t.workspace, cases: [caseDef], reference: t.reference, candidate: t.candidate, settings: t.settings });
    const opts: TraceRunOptions = { workspace: t.workspace, caseDef, reference: t.reference, candidate: t.candidate, settings: t.settings, bundleDir: bundle.dir, pixel: { slow: 129, fast: 129 } };
    await runTrace(opts); // warm-up: file cache, and a warm PyTorch server's first fork
    const walls: number[] = [];
    let last;
    for (let i = 0; i < repeats; i++) {
      const t0 = performance.now();
      last = await runTrace(opts);
      walls.push(performance.now() - t0);
    }
    const best = Math.min(...walls);
    const tm = last!.timing;
    console.log(`  ${t.label}: best ${ms(best)} of ${repeats} (${walls.map(ms).join(', ')}); both sides ${ms(tm.traceMs)}, compare ${ms(tm.compareMs)}, filing ${ms(tm.fileMs)} — ${last!.diff.verdict}${last!.diff.firstDivergence ? `, first divergence ${last!.diff.firstDivergence.name}` : ''}${best <= 1000 ? '' : ' (over 1.0 s)'}`);
  } catch (err) {
    console.log(`  ${t.label}: not measured: ${(err as Error).message}`);
  } finally {
    for (const k of Object.keys(t.env ?? {})) { if (saved[k] === undefined) delete process.env[k]; else process.env[k] = saved[k]; }
  }
}

function demoCopy(): string {
  const root = mkdtempSync(join(tmpdir(), 'nb-parity-bench-trace-'));
  process.once('exit', () => rmSync(root, { recursive: true, force: true }));
  const ws = join(root, 'ws');
  cpSync(join(ROOT, 'examples/demo-workspace'), ws, { recursive: true });
  return ws;
}

export async function benchTraceRun(): Promise<void> {
  console.log('\npixel trace of TC-D3 (256²) end to end, into an existing bundle (target ≤ 1.0 s with warm PyTorch):');
  const base: RunSettings = { allowPrograms: true, probeTorch: false };
  await measure({
    label: 'stand-ins (replaying the real C / PyTorch traces)', workspace: demoCopy(), reference: 'c', candidate: 'torch',
    settings: { ...base, cBinary: join(ROOT, 'test/fixtures/standins/nanoBragg'), python: join(ROOT, 'test/fixtures/standins/python') },
    env: { NB_STANDIN_C_MODE: 'replay', NB_STANDIN_PY_MODE: 'replay', NB_STANDIN_C_REPLAY: join(TRACES, 'tc_d3_seed.c'), NB_STANDIN_PY_REPLAY: join(TRACES, 'tc_d3_seed.py') },
  });
  if ('traceEmbedded' in simulator) {
    await measure({ label: 'embedded (preset c) vs embedded (preset pytorch)', workspace: demoCopy(), reference: 'embedded', candidate: 'embedded', settings: base });
  } else {
    console.log('  embedded vs embedded: skipped (this build of the embedded engine does not trace)');
  }
  const torchWs = process.env.NB_TORCH_WORKSPACE;
  if (process.env.NB_C_BIN && torchWs) {
    const ws = demoCopy();
    const real: RunSettings = { ...base, cBinary: process.env.NB_C_BIN, python: process.env.NB_PY_BIN ?? 'python3', extraEnv: { PYTHONPATH: join(torchWs, 'src'), NANOBRAGG_DISABLE_COMPILE: process.env.NANOBRAGG_DISABLE_COMPILE ?? '1' } };
    await measure({ label: 'real C vs PyTorch, cold', workspace: ws, reference: 'c', candidate: 'torch', settings: { ...real, torchMode: 'cold' } });
    await measure({ label: 'real C vs PyTorch, warm', workspace: ws, reference: 'c', candidate: 'torch', settings: { ...real, torchMode: 'warm' } });
    await disposeWarmServers();
  } else {
    console.log('  real C vs PyTorch: skipped (set NB_C_BIN and NB_TORCH_WORKSPACE=<nanoBragg checkout> to measure it)');
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchTraceRun();

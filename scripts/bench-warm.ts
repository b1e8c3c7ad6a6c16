// Cold vs warm PyTorch runs, end to end (runParity → bundle on disk), for TC-D1 + TC-D3.
//   demo:  the demo workspace with the STAND-IN port (test/fixtures/standin-port) copied into its src/, reference =
//          embedded engine (preset c). The stand-in imports torch only when the interpreter has it, so with Debian's
//          python3-torch the cold runs pay the real `import torch`.
//   real:  NB_TORCH_WORKSPACE=<nanoBragg checkout with src/nanobrag_torch> (reference = NB_C_BIN's C binary when set,
//          else the embedded engine). Bundles go to reports/nb-parity-bench/ there, never to the seed's initiative.
// Also printed: the seed's sequential flow (each program one after the other, cold), for the ratio the issue asks for.
// Run alone with `node --import tsx scripts/bench-warm.ts`, or as part of `npm run bench`.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { loadCases, selectCases } from '../src/core/cases/index.ts';
import { absolutizeFlags } from '../src/core/cases/flags.ts';
import { runParity, type RunSettings } from '../src/core/parity.ts';
import type { Bundle, EngineId } from '../src/shared/types.ts';
import { disposeWarmServers } from '../src/core/engines/torch/warm/index.ts';

const ROOT = join(import.meta.dirname, '..');
const CASES = ['TC-D1', 'TC-D3'];
const ms = (x: number) => `${x.toFixed(0)} ms`;

export interface Target { label: string; workspace: string; reference: EngineId; python: string; settings: RunSettings; cBinary?: string; edit?: () => void }

async function parity(t: Target, torchMode: 'cold' | 'warm'): Promise<{ wall: number; bundle: Bundle }> {
  const { cases } = await loadCases(t.workspace);
  const selected = selectCases(cases, CASES).cases;
  const t0 = performance.now();
  const bundle = await runParity({ workspace: t.workspace, cases: selected, reference: t.reference, candidate: 'torch', settings: { ...t.settings, torchMode } });
  return { wall: performance.now() - t0, bundle };
}

/** Per case: the PyTorch side's wall time and the reference side's, to show what bounds the end-to-end time. */
function sides(b: Bundle): string {
  return b.cases.map((c) => `${c.caseId} PyTorch ${ms(c.candidate.wallMs)} / reference ${ms(c.reference.wallMs)}`).join(', ');
}

function modes(b: Bundle): string {
  return b.cases.map((c) => `${c.caseId} ${String(c.candidate.info?.mode ?? '?')}${c.candidate.error ? ` (error: ${c.candidate.error})` : ''}`).join(', ');
}

// The seed's metrics step and env.json step, reduced to what costs time: the interpreter, numpy/torch imports (when
// present), reading the images. (The real metrics step also imports the port and builds a Simulator per case.)
const SEED_METRICS = [
  'import sys, array',
  'try:\n    import numpy, torch\nexcept ImportError:\n    pass',
  'for f in sys.argv[1:]:\n    a = array.array("f"); a.frombytes(open(f, "rb").read()); print(f, sum(a))',
].join('\n');
const SEED_ENV = 'import json\ntry:\n    import torch; v = torch.__version__\nexcept ImportError:\n    v = None\nprint(json.dumps({"torch_version": v}))';

/** The seed's hand-off flow without its three pytest steps: py d1, C d1, py d3, C d3, the metrics script, the
 * env.json script; one after the other, each a fresh process. */
export async function seedSequential(t: Target): Promise<number> {
  const { cases } = await loadCases(t.workspace);
  const selected = selectCases(cases, CASES).cases;
  const scratch = mkdtempSync(join(tmpdir(), 'nb-parity-bench-seed-'));
  const env = { KMP_DUPLICATE_LIB_OK: 'TRUE', PYTHONPATH: join(t.workspace, 'src'), ...(t.settings.extraEnv ?? {}) };
  try {
    const t0 = performance.now();
    for (const c of selected) {
      const flags = absolutizeFlags(c.flags, t.workspace);
      await execa(t.python, ['-m', 'nanobrag_torch', ...flags, '-floatfile', join(scratch, `py_${c.fileStem}.bin`)], { cwd: scratch, env, reject: false });
      if (t.cBinary) await execa(t.cBinary, [...flags, '-floatfile', join(scratch, `c_${c.fileStem}.bin`)], { cwd: scratch, reject: false });
    }
    await execa(t.python, ['-c', SEED_METRICS, ...selected.map((c) => join(scratch, `py_${c.fileStem}.bin`))], { cwd: scratch, env, reject: false });
    await execa(t.python, ['-c', SEED_ENV], { cwd: scratch, env, reject: false });
    return performance.now() - t0;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function benchTarget(t: Target): Promise<void> {
  console.log(`\n${t.label}`);
  const seed = await seedSequential(t);
  console.log(`  seed's sequential flow (one program after another: PyTorch${t.cBinary ? ' and C' : ''} per case, metrics and env scripts; no pytest): ${ms(seed)}`);

  await disposeWarmServers();
  const colds = [await parity(t, 'cold'), await parity(t, 'cold')];
  const cold = Math.min(...colds.map((r) => r.wall));
  console.log(`  cold  end to end: ${ms(cold)} [best of 2] (${modes(colds[1].bundle)}); ${(cold / seed).toFixed(2)} × the seed's flow (target ≤ 0.35)`);
  console.log(`        ${sides(colds[1].bundle)}`);

  const first = await parity(t, 'warm');
  console.log(`  warm, first run (starts the fork-server, authoritative cold check per case): ${ms(first.wall)} (${modes(first.bundle)})`);
  const again = [];
  for (let i = 0; i < 3; i++) again.push(await parity(t, 'warm'));
  const warm = Math.min(...again.map((r) => r.wall));
  const median = again.map((r) => r.wall).sort((a, b) => a - b)[1];
  console.log(`  warm re-run end to end: ${ms(warm)} best, ${ms(median)} median of 3 (${modes(again[2].bundle)}); target ≤ 500 ms: ${warm <= 500 ? 'met' : 'NOT met'}`);
  console.log(`        ${sides(again[2].bundle)}`);
  console.log(`  cold / warm: ${(cold / warm).toFixed(1)} ×; per PyTorch run (warm child fork → exit): ${again[2].bundle.cases.map((c) => `${c.caseId} ${ms(Number(c.candidate.info?.warmChildMs ?? NaN))}`).join(', ')}`);
  if (t.reference === 'embedded') {
    // The embedded reference simulates for real and bounds the line above; with PyTorch on both sides every
    // program is warm, which isolates what the warm path costs end to end (bundle writing included).
    const both = { ...t, reference: 'torch' as EngineId };
    await parity(both, 'warm');
    const walls = [];
    for (let i = 0; i < 3; i++) walls.push((await parity(both, 'warm')).wall);
    const best = Math.min(...walls);
    console.log(`  warm re-run end to end with PyTorch on both sides (no embedded simulation): ${ms(best)} best of 3; target ≤ 500 ms: ${best <= 500 ? 'met' : 'NOT met'}`);
  }
  if (t.edit) {
    t.edit();
    const edited = await parity(t, 'warm');
    console.log(`  warm re-run right after editing the port's source: ${ms(edited.wall)} (${modes(edited.bundle)})`);
  }
  await disposeWarmServers();
}

/** The demo with the stand-in port, copied to a temporary folder. */
function demoTarget(python: string): Target {
  const ws = join(mkdtempSync(join(tmpdir(), 'nb-parity-bench-warm-')), 'demo-workspace');
  cpSync(join(ROOT, 'examples/demo-workspace'), ws, { recursive: true });
  cpSync(join(ROOT, 'test/fixtures/standin-port/src'), join(ws, 'src'), { recursive: true });
  return {
    label: `demo TC-D1+TC-D3: embedded (preset c) vs STAND-IN PyTorch port, ${python}`,
    workspace: ws, reference: 'embedded', python,
    // Edit-then-rerun is the scientist's loop: the warm path imports the edited port fresh.
    edit: () => {
      const f = join(ws, 'src/nanobrag_torch/physics.py');
      writeFileSync(f, readFileSync(f, 'utf8') + '\n# edited by the bench\n');
    },
    settings: { allowPrograms: true, probeTorch: false, concurrency: 2, embedded: { reference: { preset: 'c' } } },
  };
}

export async function benchWarm(): Promise<void> {
  const python = process.env.NB_PY_BIN ?? 'python3';
  const probe = await execa(python, ['-c', 'import importlib.util as u; print("torch" if u.find_spec("torch") else "no torch")'], { reject: false });
  console.log(`\nwarm PyTorch runs (issue 8) — interpreter ${python}: ${String(probe.stdout).trim() || String(probe.stderr).trim()}`);
  const demo = demoTarget(python);
  try {
    await benchTarget(demo);
  } finally {
    rmSync(dirname(demo.workspace), { recursive: true, force: true }); // the temp folder around demo-workspace
  }

  const torchWs = process.env.NB_TORCH_WORKSPACE;
  if (torchWs) {
    const cBinary = process.env.NB_C_BIN;
    await benchTarget({
      label: `real pair TC-D1+TC-D3 in ${torchWs}: ${cBinary ? `C ${cBinary}` : 'embedded (preset c)'} vs PyTorch port`,
      workspace: torchWs, reference: cBinary ? 'c' : 'embedded', python, cBinary,
      settings: {
        allowPrograms: true, probeTorch: false, concurrency: 2, initiative: 'nb-parity-bench', cBinary,
        extraEnv: { NANOBRAGG_DISABLE_COMPILE: process.env.NANOBRAGG_DISABLE_COMPILE ?? '1' },
      },
    });
  } else {
    console.log('\nreal pair, cold vs warm: skipped (set NB_TORCH_WORKSPACE=<nanoBragg checkout>, and NB_C_BIN for the C side)');
  }
}

if (import.meta.filename === process.argv[1]) await benchWarm();

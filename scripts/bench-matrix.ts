// The nanoBragg repository's whole parity matrix (16 YAML cases, 55 runs) through whole `nb-parity run` processes
// (issue 14): today's cold CLI (`--torch-mode cold --c-reuse off`) against the per-user warm server (`--torch-mode warm`,
// server already running, as in a loop's third call, whose C sides are reused: the cold and first calls ran each C
// command twice with byte-identical float files), and the same warm call with `--c-reuse off`. Target: warm ≤ 0.25 × cold, and matrix.md lists all 55 runs.
//   stand-in: the case list of test/fixtures/matrix-55/parity_cases.yaml (ids and flags of the real matrix) with the
//             STAND-IN port (test/fixtures/standin-port) on both sides; CI has no C binary or real port. Its toy physics
//             is cheap, so this isolates what the PyTorch start-up costs. Skipped when NB_BENCH_MATRIX=real.
//   real:     NB_TORCH_WORKSPACE=<nanoBragg checkout> + NB_C_BIN: its own tests/parity_cases.yaml, the real C binary
//             as reference and the real port (NANOBRAGG_DISABLE_COMPILE=1 unless set). Skipped when NB_BENCH_MATRIX=standin.
// The 16 case ids are the selection (each = all its runs), so the built-in TC-D1/TC-D3 are not part of it. Both
// modes use the default --concurrency (the cores available). Each daemon gets its own runtime folder, stopped at the end.
// Alone: `npm run build && node --import tsx scripts/bench-matrix.ts`.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';

const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin/nb-parity.mjs');
const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const load = () => loadavg().map((x) => x.toFixed(1)).join(' ');

interface MatrixTarget { label: string; workspace: string; args: string[] }

/** The YAML case ids of a workspace's tests/parity_cases.yaml (the lines `- id: X` at case level). */
function yamlCaseIds(workspace: string): string[] {
  const text = readFileSync(join(workspace, 'tests/parity_cases.yaml'), 'utf8');
  return [...text.matchAll(/^ {2}- id: *"?([^"\s]+)"?\s*$/gm)].map((m) => m[1]);
}

async function matrixRun(t: MatrixTarget, ids: string[], rt: string, mode: string, cReuse = 'on'): Promise<{ ms: number; runs: number; rows: number; verdicts: string }> {
  const t0 = performance.now();
  const r = await execa(process.execPath, [BIN, 'run', ...ids, '--workspace', t.workspace, ...t.args, '--torch-mode', mode, '--c-reuse', cReuse, '--jsonl', '--quiet'],
    { reject: false, env: { NB_PARITY_RUNTIME_DIR: rt }, maxBuffer: 64 * 1024 * 1024 });
  const wall = performance.now() - t0;
  const lines = String(r.stdout).trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string; verdict?: string; matrix?: string; pass?: number; fail?: number; error?: number });
  const summary = lines.find((l) => l.type === 'summary');
  if (!summary?.matrix) throw new Error(`nb-parity run (${mode}) gave no summary: ${String(r.stderr).slice(-800)}`);
  const md = readFileSync(summary.matrix, 'utf8');
  const rows = md.split('\n').filter((l) => ids.some((id) => l.startsWith(`| ${id} |`))).length;
  return { ms: wall, runs: lines.filter((l) => l.type === 'run').length, rows, verdicts: `${summary.pass} pass, ${summary.fail} fail, ${summary.error} error` };
}

async function benchMatrixTarget(t: MatrixTarget): Promise<void> {
  const ids = yamlCaseIds(t.workspace);
  console.log(`\n${t.label}: ${ids.length} YAML cases (load average ${load()})`);
  const rt = join(mkdtempSync(join(tmpdir(), 'nb-parity-bench-rt-')), 'rt');
  mkdirSync(rt, { mode: 0o700 });
  try {
    // Today's CLI ran every C side: the cold baseline turns reuse off (its C runs are still recorded for reuse).
    const cold = await matrixRun(t, ids, rt, 'cold', 'off');
    console.log(`  cold (today's CLI): ${sec(cold.ms)} for ${cold.runs} runs, matrix.md rows ${cold.rows} (${cold.verdicts}) [load ${load()}]`);
    const first = await matrixRun(t, ids, rt, 'warm');
    console.log(`  warm, server not yet running: ${sec(first.ms)} = ${(first.ms / cold.ms).toFixed(2)} × cold, ${first.runs} runs, matrix.md rows ${first.rows} (${first.verdicts}) [load ${load()}]`);
    const warm = await matrixRun(t, ids, rt, 'warm');
    const ratio = warm.ms / cold.ms;
    console.log(`  warm, server running: ${sec(warm.ms)} = ${ratio.toFixed(2)} × cold (target ≤ 0.25: ${ratio <= 0.25 ? 'met' : 'NOT met'}); `
      + `matrix.md lists ${warm.rows} of ${warm.runs} runs (target: all 55: ${warm.rows === 55 && warm.runs === 55 ? 'met' : 'NOT met'}) (${warm.verdicts}) [load ${load()}]`);
    if (t.args.includes('c')) {
      // The call above reused the C sides (proven by the cold and first calls); the same call running them all:
      const warmOff = await matrixRun(t, ids, rt, 'warm', 'off');
      console.log(`  warm, server running, --c-reuse off (every C side runs): ${sec(warmOff.ms)} = ${(warmOff.ms / cold.ms).toFixed(2)} × cold (${warmOff.verdicts}) [load ${load()}]`);
    }
  } finally {
    await execa(process.execPath, [BIN, 'server', 'stop'], { reject: false, env: { NB_PARITY_RUNTIME_DIR: rt } });
    rmSync(join(rt, '..'), { recursive: true, force: true });
  }
}

export async function benchMatrix(): Promise<void> {
  const python = process.env.NB_PY_BIN ?? 'python3';
  const which = process.env.NB_BENCH_MATRIX;
  console.log(`\nthe 55-run parity matrix, whole nb-parity processes, cold vs the warm server (issue 14) — ${python}`);
  if (which !== 'real') {
    const root = mkdtempSync(join(tmpdir(), 'nb-parity-bench-matrix-'));
    const ws = join(root, 'ws');
    mkdirSync(join(ws, 'tests'), { recursive: true });
    cpSync(join(ROOT, 'test/fixtures/matrix-55/parity_cases.yaml'), join(ws, 'tests/parity_cases.yaml'));
    cpSync(join(ROOT, 'test/fixtures/standin-port/src'), join(ws, 'src'), { recursive: true });
    try {
      await benchMatrixTarget({ label: 'stand-in port on both sides, the real matrix\'s case list', workspace: ws,
        args: ['--reference', 'torch', '--candidate', 'torch', '--python', python] });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }
  const torchWs = process.env.NB_TORCH_WORKSPACE;
  const cBinary = process.env.NB_C_BIN;
  if (which === 'standin') return;
  if (!torchWs || !cBinary) { console.log('real matrix: skipped (set NB_TORCH_WORKSPACE=<nanoBragg checkout> and NB_C_BIN)'); return; }
  await benchMatrixTarget({ label: `real C ${cBinary} vs PyTorch port in ${torchWs}`, workspace: torchWs,
    args: ['--reference', 'c', '--c-binary', cBinary, '--candidate', 'torch', '--python', python, '--initiative', 'nb-parity-bench',
      '--env', `NANOBRAGG_DISABLE_COMPILE=${process.env.NANOBRAGG_DISABLE_COMPILE ?? '1'}`] });
}

if (import.meta.filename === process.argv[1]) await benchMatrix();

// Embedded-engine benchmark: a TC-D3-like case at 1024² with -N 5 (3 divergence sources), embedded engine with
// 1 and 2 workers and, when NB_C_BIN points to a C nanoBragg binary, the C binary with OMP_NUM_THREADS=1 on the
// same case in the same run (interleaved, so machine load hits both alike). Prints best-of and median times
// and the ratios the issue asks for. Usage: npm run bench:engine [-- --reps N --size PIXELS]
import { mkdtempSync, rmSync, existsSync, copyFileSync } from 'node:fs';
import { tmpdir, loadavg, availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { execa } from 'execa';

const { values } = parseArgs({ options: { reps: { type: 'string', default: '3' }, size: { type: 'string', default: '1024' } } });
const reps = Math.max(1, Number(values.reps));
const size = Number(values.size);
const root = fileURLToPath(new URL('..', import.meta.url));
// Use the bundled worker (npm run bench:engine builds first): the dev worker would time TypeScript compilation.
const bundled = join(root, 'dist', 'engine-worker.mjs');
if (existsSync(bundled)) process.env.NB_ENGINE_WORKER ??= bundled;
const { simulate } = await import('../src/core/simulator/index.ts');

const work = mkdtempSync(join(tmpdir(), 'nb-bench-'));
copyFileSync(join(root, 'test/fixtures/c-goldens/A.mat'), join(work, 'A.mat'));
const flags = ['-mat', 'A.mat', '-default_F', '100', '-N', '5', '-hdivrange', '0.5', '-hdivsteps', '3', '-distance', '231.274660',
  '-lambda', '0.9768', '-pixel', '0.172', '-detpixels_x', String(size), '-detpixels_y', String(size), '-oversample', '1', '-nonoise', '-nointerpolate'];
const cBin = process.env.NB_C_BIN;

async function embedded(workers: number): Promise<{ ms: number; file: string }> {
  const file = join(work, `emb_${workers}.bin`);
  const t0 = performance.now();
  await simulate({ args: [...flags, '-floatfile', file], cwd: work, workers });
  return { ms: performance.now() - t0, file };
}
// The whole CLI as a fresh process (start-up, cold JIT, file write): the like-for-like comparison with C.
async function cliRun(): Promise<number> {
  const t0 = performance.now();
  await execa('node', [join(root, 'bin', 'nb-parity.mjs'), 'simulate', ...flags, '-floatfile', join(work, 'cli.bin'), '--workers', '1', '--quiet'], { cwd: work });
  return performance.now() - t0;
}
async function cRun(): Promise<number> {
  const t0 = performance.now();
  await execa(cBin!, [...flags, '-nopgm', '-noprogress', '-floatfile', join(work, 'c.bin')], { cwd: work, env: { OMP_NUM_THREADS: '1' } });
  return performance.now() - t0;
}

const haveCli = existsSync(join(root, 'dist', 'cli.mjs'));
const times: Record<string, number[]> = {
  'embedded, 1 worker': [], 'embedded, 2 workers': [], ...(haveCli ? { 'CLI process, 1 worker': [] } : {}), ...(cBin ? { 'C, OMP_NUM_THREADS=1': [] } : {}),
};
console.log(`bench: TC-D3-like ${size}x${size}, -N 5, 3 sources; ${reps} interleaved repetitions; ${availableParallelism()} cores, load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
await embedded(1); // warm-up (JIT, file cache)
try {
  for (let r = 0; r < reps; r++) {
    times['embedded, 1 worker']!.push((await embedded(1)).ms);
    times['embedded, 2 workers']!.push((await embedded(2)).ms);
    if (haveCli) times['CLI process, 1 worker']!.push(await cliRun());
    if (cBin) times['C, OMP_NUM_THREADS=1']!.push(await cRun());
  }
  const best = (k: string): number => Math.min(...times[k]!);
  const median = (k: string): number => { const s = [...times[k]!].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]!; };
  console.log('  (in-process rows reuse warm worker threads, as the extension and attribution do; the CLI row is a cold process)');
  for (const k of Object.keys(times)) console.log(`  ${k.padEnd(22)} best ${best(k).toFixed(0).padStart(6)} ms   median ${median(k).toFixed(0).padStart(6)} ms   (${times[k]!.map((x) => x.toFixed(0)).join(', ')})`);
  const e1 = best('embedded, 1 worker'), e2 = best('embedded, 2 workers');
  console.log(`  speed-up 2 workers vs 1: ${(e1 / e2).toFixed(2)}x (target >= 1.8x)`);
  if (cBin) {
    const c = best('C, OMP_NUM_THREADS=1');
    console.log(`  embedded 1 worker / C 1 thread: ${(e1 / c).toFixed(2)}x C's time (target <= 1.0; C time includes process start-up and file writes)`);
    if (haveCli) console.log(`  CLI process 1 worker / C 1 thread: ${(best('CLI process, 1 worker') / c).toFixed(2)}x C's time (both cold processes)`);
    const same = (await import('node:fs')).readFileSync(join(work, 'c.bin')).equals((await import('node:fs')).readFileSync(join(work, 'emb_1.bin')));
    console.log(`  float files identical (C vs embedded): ${same}`);
  } else {
    console.log('  (set NB_C_BIN to a C nanoBragg binary to time it on the same case)');
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

// Real worker threads and the real CLI bundle (runs after `npm run build`): identical images for any worker
// count, prompt cancellation with no threads left behind, progress, and `nb-parity simulate` behaving like
// the C binary for scripts (byte-identical float file, exit codes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { simulate } from '../../src/core/simulator/index.ts';
import { liveWorkers } from '../../src/core/simulator/pool.ts';
import { makeTempDirSync, removeTempDirNow } from '../helpers/tempDirs.ts';

const dir = fileURLToPath(new URL('../fixtures/c-goldens/', import.meta.url));
const bin = fileURLToPath(new URL('../../bin/nb-parity.mjs', import.meta.url));
const manifest = readFileSync(`${dir}manifest.jsonl`, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: string; fpixels: number; spixels: number; flags: string; c_image: string });
const args = (id: string): string[] => {
  const c = manifest.find((m) => m.id === id)!;
  return [...c.flags.split(/\s+/), '-detpixels_x', String(c.fpixels), '-detpixels_y', String(c.spixels), '-nonoise', '-nopgm', '-noprogress'];
};
const golden = (id: string): Buffer => readFileSync(`${dir}${manifest.find((m) => m.id === id)!.c_image}`);
const bytes = (img: Float32Array): Buffer => Buffer.from(img.buffer, img.byteOffset, img.byteLength);

// phi3 exercises the φ=0 carry-over across worker blocks; tc-d1-commented the ghost sources.
for (const id of ['phi3', 'tc-d1-commented']) {
  test(`${id}: workers 1, 2 and 4 give the C golden, byte for byte`, async () => {
    for (const workers of [1, 2, 4]) {
      const progress: number[] = [];
      const r = await simulate({ args: args(id), cwd: dir, workers, ompThreads: 2, writeFloatfile: false, onProgress: (f) => progress.push(f) });
      assert.ok(bytes(r.image).equals(golden(id)), `${id} with ${workers} workers`);
      assert.equal(progress.at(-1), 1, 'progress ends at 1');
      assert.ok(progress.every((f, i) => f >= 0 && f <= 1 && (i === 0 || f >= progress[i - 1]!)), 'progress is monotonic in [0,1]');
    }
    assert.equal(liveWorkers(), 0);
  });
}

test('tricubic interpolation with C\'s one-shot switch-off mid-image: same golden for 1, 2 and 4 workers', async () => {
  const extraDir = `${dir}extra/`;
  const c = readFileSync(`${extraDir}manifest.jsonl`, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: string; args: string[]; c_image: string }).find((x) => x.id === 'interp-mid-os')!;
  const ref = readFileSync(`${extraDir}${c.c_image}`);
  for (const workers of [1, 2, 4]) {
    const r = await simulate({ args: c.args, cwd: extraDir, workers, writeFloatfile: false });
    assert.ok(bytes(r.image).equals(ref), `interp-mid-os with ${workers} workers`);
  }
  assert.equal(liveWorkers(), 0);
});

test('cancel: AbortSignal stops a long run promptly and leaves no worker threads', async () => {
  const controller = new AbortController();
  const big = ['-mat', 'A.mat', '-default_F', '100', '-N', '5', '-oversample', '4', '-hdivrange', '0.5', '-hdivsteps', '3', '-distance', '231.274660', '-lambda', '0.9768', '-pixel', '0.172', '-detpixels', '1024'];
  let started = false;
  const p = simulate({ args: big, cwd: dir, workers: 2, writeFloatfile: false, signal: controller.signal, onProgress: () => { started = true; } });
  // Let the workers start computing (the dev worker takes a moment to load TypeScript).
  const t0 = Date.now();
  while (!started && Date.now() - t0 < 20000) await new Promise((r) => setTimeout(r, 50));
  assert.ok(started, 'workers reported progress');
  const tAbort = performance.now();
  controller.abort();
  await assert.rejects(p, (e: Error) => e.name === 'AbortError');
  const ms = performance.now() - tAbort;
  console.log(`  cancelled in ${ms.toFixed(0)} ms`);
  assert.ok(ms < 2000, `cancel took ${ms} ms`);
  assert.equal(liveWorkers(), 0);
});

test('an already-aborted signal rejects without starting workers', async () => {
  const c = new AbortController();
  c.abort();
  await assert.rejects(simulate({ args: args('tc-d3'), cwd: dir, workers: 2, signal: c.signal }), { name: 'AbortError' });
  assert.equal(liveWorkers(), 0);
});

test('nb-parity simulate (bundled CLI): byte-identical float file, C-compatible stdout, exit 0', async () => {
  const out = makeTempDirSync('nb-sim-');
  try {
    const file = join(out, 'tc_d3.bin');
    const r = await execa('node', [bin, 'simulate', ...args('tc-d3'), '-floatfile', file, '--workers', '2'], { cwd: dir, reject: false });
    assert.equal(r.exitCode, 0, r.stderr);
    assert.ok(readFileSync(file).equals(golden('tc-d3')));
    assert.match(r.stdout, /^nb-parity embedded engine /);
    assert.match(r.stdout, /max_I = 0\.00553096 {2}at 0\.022102 0\.022102/);
    // --workers 1 renders in the main thread: same bytes.
    const file1 = join(out, 'tc_d3_w1.bin');
    const r1 = await execa('node', [bin, 'simulate', ...args('tc-d3'), '-floatfile', file1, '--workers', '1', '--quiet'], { cwd: dir, reject: false });
    assert.equal(r1.exitCode, 0, r1.stderr);
    assert.ok(readFileSync(file1).equals(golden('tc-d3')));
    // Without -floatfile it writes floatimage.bin in the working folder, as C does.
    const r2 = await execa('node', [bin, 'simulate', '-cell', '100', '-default_F', '100', '-detpixels', '8', '--quiet'], { cwd: out, reject: false });
    assert.equal(r2.exitCode, 0, r2.stderr);
    assert.equal(readFileSync(join(out, 'floatimage.bin')).length, 8 * 8 * 4);
    assert.equal(r2.stdout, '');
  } finally {
    removeTempDirNow(out);
  }
});

test('nb-parity simulate: bad input exits 2 naming the flag and writes nothing', async () => {
  const out = makeTempDirSync('nb-sim-');
  try {
    for (const [argv, msg] of [
      [['-cell', '100', '-default_F', '100', '-lamda', '1'], /-lamda: unknown flag/],
      [['-cell', '100', '-default_F', '100', '--fork', 'polarization=maybe'], /--fork polarization: unknown value "maybe"/],
      [['-cell', '100', '-default_F', '100', '--preset', 'fortran'], /--preset: expected c or pytorch/],
      [['-cell', '100', '-default_F', '100', '--workers', 'many'], /--workers: expected an integer/],
      [['-cell', '100', '-default_F', '100', '-hkl', 'missing.hkl'], /-hkl missing\.hkl: cannot read/],
    ] as [string[], RegExp][]) {
      const r = await execa('node', [bin, 'simulate', ...argv, '-floatfile', 'x.bin'], { cwd: out, reject: false });
      assert.equal(r.exitCode, 2, `${argv.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, msg);
      assert.equal(existsSync(join(out, 'x.bin')), false);
    }
  } finally {
    removeTempDirNow(out);
  }
});

test('nb-parity simulate: SIGINT cancels promptly, exit 130, no float file', async () => {
  const out = makeTempDirSync('nb-sim-');
  try {
    // Large enough to run for minutes; SIGINT is sent once the run reports progress (its handler is installed by then).
    const child = execa('node', [bin, 'simulate', '-mat', join(dir, 'A.mat'), '-default_F', '100', '-N', '5', '-oversample', '8', '-detpixels', '2048', '-floatfile', 'big.bin', '--workers', '2', '--progress'], { cwd: out, reject: false });
    await new Promise<void>((resolve) => child.stderr!.on('data', (d: Buffer) => { if (/% done/.test(String(d))) resolve(); }));
    const t0 = performance.now();
    child.kill('SIGINT');
    const r = await child;
    const ms = performance.now() - t0;
    console.log(`  CLI exited ${ms.toFixed(0)} ms after SIGINT`);
    assert.equal(r.exitCode, 130, r.stderr);
    assert.match(r.stderr, /interrupted/);
    assert.ok(ms < 3000);
    assert.equal(existsSync(join(out, 'big.bin')), false);
  } finally {
    removeTempDirNow(out);
  }
});

test('idle workers are reused, carry no listeners over, and can be shut down', async () => {
  const { idleWorkers, shutdownEngineWorkers } = await import('../../src/core/simulator/pool.ts');
  for (let i = 0; i < 3; i++) {
    const r = await simulate({ args: args('tc-d1'), cwd: dir, workers: 2, writeFloatfile: false });
    assert.ok(bytes(r.image).equals(golden('tc-d1')));
    assert.equal(liveWorkers(), 0);
    assert.ok(idleWorkers() >= 2 && idleWorkers() <= 4, `idle ${idleWorkers()}`);
  }
  await shutdownEngineWorkers();
  assert.equal(idleWorkers(), 0);
});

// Every c-goldens case (real C binary output, test/fixtures/c-goldens) must be reproduced byte for byte
// by the embedded engine with the `c` preset. The goldens were made by C with 2 OpenMP threads, which only
// matters for the φ=0 carry-over (phi3), so ompThreads: 2.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { simulate } from '../../src/core/simulator/index.ts';

const dir = fileURLToPath(new URL('../fixtures/c-goldens/', import.meta.url));
const realRuns = fileURLToPath(new URL('../fixtures/real-runs/', import.meta.url));
const cases = readFileSync(`${dir}manifest.jsonl`, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: string; fpixels: number; spixels: number; flags: string; c_image: string });

function goldenArgs(c: { flags: string; fpixels: number; spixels: number }): string[] {
  return [...c.flags.split(/\s+/), '-detpixels_x', String(c.fpixels), '-detpixels_y', String(c.spixels), '-nonoise', '-nopgm', '-noprogress'];
}

test('the manifest lists the 15 golden cases', () => {
  assert.equal(cases.length, 15);
});

for (const c of cases) {
  test(`c-golden ${c.id}: 0 differing float32 words`, async () => {
    const r = await simulate({ args: goldenArgs(c), cwd: dir, workers: 0, ompThreads: 2, writeFloatfile: false });
    assert.equal(r.fpixels, c.fpixels);
    assert.equal(r.spixels, c.spixels);
    const ref = new Uint32Array(new Uint8Array(readFileSync(`${dir}${c.c_image}`)).buffer);
    const got = new Uint32Array(r.image.buffer, r.image.byteOffset, r.image.length);
    assert.equal(got.length, ref.length);
    let diff = 0;
    for (let i = 0; i < ref.length; i++) if (ref[i] !== got[i]) diff++;
    console.log(`  ${c.id}: ${diff} differing float32 words of ${ref.length}`);
    assert.equal(diff, 0);
  });
}

test('C log and embedded summary agree on the diagnostic lines (tc-d3)', async () => {
  const c = cases.find((x) => x.id === 'tc-d3')!;
  const r = await simulate({ args: goldenArgs(c), cwd: dir, workers: 0, writeFloatfile: false });
  const log = readFileSync(`${dir}tc-d3.c.log`, 'utf8');
  for (const key of ['convention selected.', 'DETECTOR_PIX0_VECTOR', 'created a total of 3 sources:', 'parallelpiped xtal:', 'Kahn polarization factor:', 'incident fluence:', 'distance=', 'divergence steps', 'phi steps from', 'pixel oversample steps', 'max_I =', 'mean=']) {
    const cLine = log.split('\n').find((l) => l.includes(key));
    const eLine = r.stdout.split('\n').find((l) => l.includes(key));
    assert.ok(cLine, `C log has "${key}"`);
    assert.equal(eLine, cLine, `line with "${key}"`);
  }
});

const extraDir = fileURLToPath(new URL('../fixtures/c-goldens/extra/', import.meta.url));
const extra = readFileSync(`${extraDir}manifest.jsonl`, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: string; args: string[]; c_image: string; omp_threads: number });

for (const c of extra) {
  test(`c-golden extra/${c.id}: 0 differing float32 words`, async () => {
    const r = await simulate({ args: c.args, cwd: extraDir, workers: 0, ompThreads: c.omp_threads, writeFloatfile: false });
    const ref = new Uint32Array(new Uint8Array(readFileSync(`${extraDir}${c.c_image}`)).buffer);
    const got = new Uint32Array(r.image.buffer, r.image.byteOffset, r.image.length);
    assert.equal(got.length, ref.length);
    let diff = 0;
    for (let i = 0; i < ref.length; i++) if (ref[i] !== got[i]) diff++;
    console.log(`  extra/${c.id}: ${diff} differing float32 words of ${ref.length}`);
    assert.equal(diff, 0);
  });
}

test('TC-D1 with -N 5: every pixel NaN, the same NaN bits as C, and C\'s "-nan" statistics', async () => {
  const c = cases.find((x) => x.id === 'tc-d1-commented')!;
  const r = await simulate({ args: [...goldenArgs(c), '-N', '5'], cwd: dir, workers: 0, writeFloatfile: false });
  const ref = readFileSync(`${realRuns}c_tc_d1_N5.bin`);
  assert.ok(Buffer.from(r.image.buffer, r.image.byteOffset, r.image.byteLength).equals(ref));
  assert.match(r.stdout, /\nmean= -nan rms= -nan rmsd= -nan\n/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createBundleDir, listBundles, loadCaseImages, newStamp, readBundle, writeFileAtomic, moveNoClobber, commandsText, perCaseLines } from '../../src/core/evidence/index.ts';
import { splitArgs } from '../../src/core/cases/flags.ts';
import type { Bundle, EngineRun, Metrics } from '../../src/shared/types.ts';
import { makeTempDir } from '../helpers/tempDirs.ts';

const tmp = () => makeTempDir('nbp-evidence-');

test('STAMP is UTC YYYYMMDDTHHMMSSZ', () => {
  assert.equal(newStamp(new Date(Date.UTC(2025, 9, 9, 7, 18, 21, 999))), '20251009T071821Z');
});

test('bundle folders are fresh: a taken STAMP moves to the next second and never touches the old folder', async () => {
  const parent = join(await tmp(), 'reports/x/phase_e');
  const now = new Date(Date.UTC(2025, 10, 1, 12, 0, 0));
  const a = await createBundleDir(parent, now);
  await writeFile(join(a.dir, 'metrics.json'), 'old evidence');
  const b = await createBundleDir(parent, now);
  const c = await createBundleDir(parent, now);
  assert.deepEqual([a.stamp, b.stamp, c.stamp], ['20251101T120000Z', '20251101T120001Z', '20251101T120002Z']);
  assert.equal(await readFile(join(a.dir, 'metrics.json'), 'utf8'), 'old evidence');
  // Concurrent claims of the same second still get distinct folders.
  const many = await Promise.all(Array.from({ length: 6 }, () => createBundleDir(parent, new Date(Date.UTC(2025, 10, 1, 13)))));
  assert.equal(new Set(many.map((m) => m.dir)).size, 6);
});

test('evidence writes are atomic and refuse to overwrite; moves refuse too', async () => {
  const dir = await tmp();
  const f = join(dir, 'metrics.json');
  await writeFileAtomic(f, '{"a":1}');
  await assert.rejects(writeFileAtomic(f, '{"a":2}'), /refusing to overwrite evidence file/);
  assert.equal(await readFile(f, 'utf8'), '{"a":1}');
  assert.deepEqual((await readdir(dir)).filter((n) => n.endsWith('.tmp')), [], 'no temp files left behind');
  await writeFile(join(dir, 'src.bin'), 'x');
  await assert.rejects(moveNoClobber(join(dir, 'src.bin'), f), /refusing to overwrite/);
  await moveNoClobber(join(dir, 'src.bin'), join(dir, 'dst.bin'));
  assert.deepEqual((await readdir(dir)).sort(), ['dst.bin', 'metrics.json']);
});

const run = (over: Partial<EngineRun>): EngineRun => ({ engine: 'c', side: 'reference', fpixels: 8, spixels: 8, stdout: '', stderr: '', command: [], env: {}, cwd: '/w', wallMs: 1234, exitCode: 0, ...over });

test('commands.txt blocks are copy-paste reproducible: cd, exports and argv survive shell quoting', () => {
  const r = run({ command: ['/opt/my nb/nanoBragg', '-mat', "/ws/it's/A.mat", '-floatfile', '/b/c_x.bin'], env: { KMP_DUPLICATE_LIB_OK: 'TRUE', PYTHONPATH: '/ws/src:/a b' }, cwd: '/b/.scratch/c x' });
  const text = commandsText(['header'], [{ caseId: 'TC-D1', side: 'reference', run: r, movedTo: 'c_tc_d1.bin' }]);
  const lines = text.split('\n');
  const argvLine = lines[lines.indexOf('(') + 3].trim();
  assert.deepEqual(splitArgs(argvLine), r.command);
  assert.match(text, /cd '\/b\/\.scratch\/c x'/);
  assert.match(text, /export KMP_DUPLICATE_LIB_OK=TRUE PYTHONPATH='\/ws\/src:\/a b'/);
  assert.match(text, /# \[TC-D1\] reference \(C\) — exit 0, 1\.23 s; image moved to c_tc_d1\.bin/);
});

test('correlation.txt / sum_ratio.txt use the seed format', () => {
  const m = { correlation: 0.9999941234, sumRatio: 1.0002 } as Metrics;
  const b = { cases: [{ fileStem: 'tc_d1', metrics: m }, { fileStem: 'tc_d3' }] } as unknown as Bundle;
  assert.equal(perCaseLines(b, (x) => x.correlation), 'tc_d1:0.999994\ntc_d3:n/a\n');
});

async function legacyBundle(files: Record<string, string | Buffer>): Promise<string> {
  const dir = join(await tmp(), 'reports/2025-11-source-weights/phase_e/20251009T104310Z');
  await mkdir(dir, { recursive: true });
  for (const [k, v] of Object.entries(files)) await writeFile(join(dir, k), v);
  return dir;
}

const img = (n: number, f: (i: number) => number) => Buffer.from(Float32Array.from({ length: n }, (_, i) => f(i)).buffer);

test('readBundle: the seed layout {tc_d1: {correlation, sum_ratio}} with images and logs', async () => {
  const dir = await legacyBundle({
    'metrics.json': JSON.stringify({ tc_d1: { correlation: 0.064, sum_ratio: 144.3 }, tc_d3: { correlation: 0.99999, sum_ratio: 1.0001 } }),
    'c_tc_d1.bin': img(16 * 16, (i) => i), 'py_tc_d1.bin': img(16 * 16, (i) => 2 * i),
    'c_stdout_tc_d1.log': '  distance=0.1 detsize=0.0016x0.0016  pixel=0.0001 meters (16x16 pixels)\n',
  });
  const b = await readBundle(dir);
  assert.equal(b.layout, 'legacy');
  assert.equal(b.stamp, '20251009T104310Z');
  assert.equal(b.createdAt, '2025-10-09T10:43:10.000Z');
  const [d1, d3] = b.cases;
  assert.equal(d1.caseId, 'TC-D1');
  assert.equal(d1.verdict.status, 'fail');
  assert.match(d1.verdict.reason, /seed's corr ≥ 0\.999/);
  assert.equal(d3.verdict.status, 'pass');
  assert.equal(d1.files.referenceImage, 'c_tc_d1.bin');
  const imgs = await loadCaseImages(b, 'TC-D1');
  assert.equal(imgs.fpixels, 16);
  assert.equal(imgs.candidate?.[5], 10);
  assert.equal((await loadCaseImages(b, 'TC-D3')).reference, undefined, 'missing images are undefined, not a crash');
});

test('readBundle: nb_compare summary.json, listed/camelCase cases, and bare image pairs', async () => {
  const nb = await readBundle(await legacyBundle({ 'summary.json': JSON.stringify({ correlation: 0.998, mse: 1e-6, rmse: 1e-3, max_abs_diff: 0.01, c_sum: 10, py_sum: 10.02, sum_ratio: 1.002 }) }));
  assert.equal(nb.cases.length, 1);
  assert.equal(nb.cases[0].metrics?.sumReference, 10);
  assert.equal(nb.cases[0].verdict.status, 'fail');

  const listed = await readBundle(await legacyBundle({ 'metrics.json': JSON.stringify({ results: [{ case: 'tc_d1', metrics: { corr: 0.9995, sumRatio: 1.0004 }, verdict: 'PASS' }] }) }));
  assert.equal(listed.cases[0].verdict.status, 'pass');
  assert.equal(listed.cases[0].metrics?.correlation, 0.9995);

  // Judged now from raw 16-digit floats: the reason shows them formatted, as our own verdicts do.
  const raw = await readBundle(await legacyBundle({ 'metrics.json': JSON.stringify({ correlation: 0.96123456789012345, sum_ratio: 1.0841234567890123 }) }));
  assert.equal(raw.cases[0].verdict.status, 'fail');
  assert.match(raw.cases[0].verdict.reason, /correlation 0\.961235 \(needs ≥ 0\.999; short by 0\.03777\)/);
  assert.doesNotMatch(raw.cases[0].verdict.reason, /\d{9,}/, raw.cases[0].verdict.reason);

  const bare = await readBundle(await legacyBundle({ 'c_tc_d3.bin': img(64, () => 1), 'py_tc_d3.bin': img(64, () => 1) }));
  assert.equal(bare.cases.length, 1);
  assert.equal(bare.cases[0].verdict.status, 'error');
  assert.match(bare.cases[0].verdict.reason, /records no metrics/);
  const imgs = await loadCaseImages(bare, 'tc_d3');
  assert.equal(imgs.fpixels, 8, 'square size guessed from the byte count');

  await assert.rejects(readBundle(await legacyBundle({ 'metrics.json': '{broken' })), /metrics\.json: not valid JSON/);
  await assert.rejects(readBundle('/no/such/bundle'), /not an evidence bundle folder/);
});

test('listBundles: newest first across initiatives and phases, only STAMP folders', async () => {
  const ws = await tmp();
  for (const p of ['reports/a/phase_e/20251009T104310Z', 'reports/a/phase_e/20251101T000000Z', 'reports/b/phase_a/20251020T000000Z', 'reports/a/phase_e/notes', 'reports/a/phase_a/20251009T071821Z/fixtures']) {
    await mkdir(join(ws, p), { recursive: true });
  }
  const all = await listBundles(ws);
  assert.deepEqual(all.map((b) => b.stamp), ['20251101T000000Z', '20251020T000000Z', '20251009T104310Z', '20251009T071821Z']);
  const onlyE = await listBundles(ws, { initiative: 'a', phase: 'phase_e' });
  assert.deepEqual(onlyE.map((b) => b.stamp), ['20251101T000000Z', '20251009T104310Z']);
  assert.deepEqual(await listBundles(join(ws, 'nothing-here')), []);
});

test('workspace git commit for env.json is read from .git files (loose ref, packed ref, detached HEAD, none)', async () => {
  const { gitCommit } = await import('../../src/core/workspace/git.ts');
  const ws = await tmp();
  assert.equal(await gitCommit(ws), undefined);
  await mkdir(join(ws, '.git/refs/heads'), { recursive: true });
  await writeFile(join(ws, '.git/HEAD'), 'ref: refs/heads/main\n');
  await writeFile(join(ws, '.git/refs/heads/main'), `${'a'.repeat(40)}\n`);
  assert.deepEqual(await gitCommit(ws), { commit: 'a'.repeat(40), ref: 'refs/heads/main' });
  await writeFile(join(ws, '.git/HEAD'), 'ref: refs/heads/feature/spec-based-2\n');
  await writeFile(join(ws, '.git/packed-refs'), `# pack-refs with: peeled\n${'b'.repeat(40)} refs/heads/feature/spec-based-2\n`);
  assert.deepEqual(await gitCommit(ws), { commit: 'b'.repeat(40), ref: 'refs/heads/feature/spec-based-2' });
  await writeFile(join(ws, '.git/HEAD'), `${'c'.repeat(40)}\n`);
  assert.deepEqual(await gitCommit(ws), { commit: 'c'.repeat(40) });
});

// Effective configuration, config diff and preflight on the real seed stdouts (test/fixtures/real-runs, copied from
// ../shared/reference/real-runs: the real C binary and the real PyTorch port run with the seed's commands).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { configLines, parseEffectiveConfig } from '../../src/core/diagnosis/effectiveConfig.ts';
import { diffConfigs, inferNFromPeaks, sideNames } from '../../src/core/diagnosis/configDiff.ts';
import { simulate } from '../../src/core/simulator/index.ts';
import { inspectSourceFile, preflight } from '../../src/core/diagnosis/preflight.ts';
import { makeTempDir } from '../helpers/tempDirs.ts';

const DIR = path.join(import.meta.dirname, '../fixtures/real-runs');
const read = (f: string) => readFileSync(path.join(DIR, f), 'utf8');
const FIXTURE = 'reports/2025-11-source-weights/phase_a/20251009T071821Z/fixtures/two_sources.txt';
const TC_D1 = `-mat A.mat -sourcefile ${FIXTURE} -default_F 100 -hdivsteps 0 -vdivsteps 0 -dispsteps 1 -distance 231.274660 -lambda 0.9768 -pixel 0.172 -detpixels_x 256 -detpixels_y 256 -oversample 1 -nonoise -nointerpolate`.split(' ');
const TC_D3 = '-mat A.mat -default_F 100 -hdivrange 0.5 -hdivsteps 3 -distance 231.274660 -lambda 0.9768 -pixel 0.172 -detpixels_x 256 -detpixels_y 256 -oversample 1 -nonoise -nointerpolate'.split(' ');

test('C stdout of seed TC-D1 → effective configuration with the 4 sources (2 ghosts)', () => {
  const c = parseEffectiveConfig(read('c_tc_d1.stdout.log'), 'c');
  assert.equal(c.convention, 'mosflm');
  assert.deepEqual(c.pix0, [0.23127466, 0.022188, -0.022188]);
  assert.deepEqual(c.nCells, [1, 1, 1]);
  assert.equal(c.nSources, 4);
  assert.equal(c.sources?.length, 4);
  assert.deepEqual(c.sources?.[0], { x: 0, y: 0, z: 0, weight: 0, lambda: 0 });
  assert.deepEqual(c.sources?.[3], { x: 0, y: 0, z: 10, weight: 0.2, lambda: 6.2e-10 });
  assert.equal(c.mosaicDomains, 1);
  assert.equal(c.polarizationFactor, 0);
  assert.equal(c.fluence, 1.25932e29);
  assert.deepEqual(c.detector, { fpixels: 256, spixels: 256, pixelM: 0.000172, distanceM: 0.231275 });
  assert.equal(c.divergenceSteps, undefined, 'C prints -1 divergence steps with -sourcefile: no grid, not a count');
  assert.equal(c.dispersionSteps, 1);
  assert.equal(c.phiSteps, 1);
  assert.equal(c.oversample, 1);
  assert.equal(c.lambdaA, 0.9768);
  assert.equal(c.maxIntensity, 0.00276548);
  assert.equal(c.readsFdump, undefined);
});

test('PyTorch stdout+stderr: sources, detector, cell (not crystal size), λ override, N from flags', () => {
  const p = parseEffectiveConfig(read('py_tc_d1.stdout.log'), 'torch', { stderr: read('py_tc_d1.stderr.log'), flags: TC_D1 });
  assert.equal(p.nSources, 2);
  assert.deepEqual(p.detector, { fpixels: 256, spixels: 256 });
  assert.deepEqual(p.cellA, [26.8, 31.3, 33.7]);
  assert.equal(p.crystalSizeA, undefined, '"Crystal: 26.8x31.3x33.7 Å" is the unit cell and must not be read as N×cell');
  assert.equal(p.sourceLambdaPolicy, 'cli');
  assert.ok(Math.abs(p.lambdaA! - 0.9768) < 1e-12);
  assert.deepEqual(p.nCells, [5, 5, 5]);
  assert.match(p.nCellsBasis!, /-N absent: PyTorch CLI default N=5/);
  const d3 = parseEffectiveConfig(read('py_tc_d3.stdout.log'), 'torch');
  assert.equal(d3.nSources, 3);
  assert.equal(d3.divergenceSteps, 3);
  assert.equal(d3.dispersionSteps, 1);
  assert.equal(d3.nCells, undefined, 'without flags N is not guessed at parse time');
});

test('seed TC-D1 diff names N 1×1×1 vs 5×5×5, 4 vs 2 sources (ghosts), λ per source; critical first', () => {
  const c = parseEffectiveConfig(read('c_tc_d1.stdout.log'), 'c', { flags: TC_D1 });
  const p = parseEffectiveConfig(read('py_tc_d1.stdout.log'), 'torch', { stderr: read('py_tc_d1.stderr.log'), flags: TC_D1 });
  const diff = diffConfigs(c, p, { reference: 'c', candidate: 'torch' });
  const byField = Object.fromEntries(diff.map((m) => [m.field, m]));
  assert.equal(byField.nCells.reference, '1×1×1');
  assert.equal(byField.nCells.candidate, '5×5×5');
  assert.match(byField.nCells.explanation, /PyTorch CLI defaults to N=5 when -N is absent, C to N=1/);
  assert.equal(byField.nSources.reference, '4');
  assert.equal(byField.nSources.candidate, '2');
  assert.match(byField.nSources.explanation, /C turns the source file's 2 `#`\/text lines into ghost sources/);
  assert.match(byField.sourceLambda.explanation, /C uses the source file's wavelength column, PyTorch replaces it with -lambda/);
  assert.equal(byField.sourceLambda.severity, 'critical', 'λ matters because PyTorch runs N=5');
  assert.ok(byField.polarization, 'first-source polarization from a ghost is reported');
  const ranks = diff.map((m) => ({ critical: 0, warning: 1, info: 2 })[m.severity]);
  assert.deepEqual(ranks, [...ranks].sort((a, b) => a - b));
  assert.equal(byField.lambdaA, undefined, 'PyTorch prints λ rounded (0.98 Å): not a mismatch');
  assert.equal(byField.detector, undefined);
});

test('seed TC-D3 without flags: N inferred from the peak intensity ratio and stated as such', () => {
  const c = parseEffectiveConfig(read('c_tc_d3.stdout.log'), 'c');
  const p = parseEffectiveConfig(read('py_tc_d3.stdout.log'), 'torch');
  assert.deepEqual(inferNFromPeaks(c, p)?.n, 5);
  const diff = diffConfigs(c, p, { reference: 'c', candidate: 'torch' });
  assert.deepEqual(diff.map((m) => m.field), ['nCells']);
  assert.match(diff[0].explanation, /inferred from the peak intensity ratio ×15330/);
});

test('TC-D3 with N matched (N=1 on PyTorch): no mismatch; N=5 both: no mismatch', () => {
  const c = parseEffectiveConfig(read('c_tc_d3.stdout.log'), 'c', { flags: TC_D3 });
  const p = parseEffectiveConfig(read('py_tc_d3_N1.stdout.log'), 'torch', { flags: [...TC_D3, '-N', '1'] });
  assert.deepEqual(diffConfigs(c, p, { reference: 'c', candidate: 'torch' }), []);
  const c5 = parseEffectiveConfig(read('c_tc_d3_N5.stdout.log'), 'c');
  const p5 = parseEffectiveConfig(read('py_tc_d3_N5.stdout.log'), 'torch', { flags: [...TC_D3, '-N', '5'] });
  assert.deepEqual(c5.nCells, [5, 5, 5]);
  assert.deepEqual(diffConfigs(c5, p5, { reference: 'c', candidate: 'torch' }), []);
});

test('TRACE and progress lines are ignored; Fdump.bin read and embedded header are recognised', () => {
  const text = [
    'nb-parity embedded engine 0.1.0 preset=pytorch forks=defaultN=5,polarization=per-source',
    'TRACE_C: pix0_vector 1 2 3', '12% done', 'mosflm convention selected.', '  reading Fs from Fdump.bin', '  parallelpiped xtal: 5x5x5 cells', '  3% done',
  ].join('\n');
  assert.deepEqual(configLines(text).length, 4);
  const e = parseEffectiveConfig(text, 'embedded');
  assert.deepEqual(e.embedded, { version: '0.1.0', preset: 'pytorch', forks: { defaultN: '5', polarization: 'per-source' } });
  assert.equal(e.readsFdump, true);
  const c = parseEffectiveConfig(read('c_tc_d3.stdout.log'), 'c');
  const diff = diffConfigs(c, e, { reference: 'c', candidate: 'embedded' });
  assert.equal(diff.find((m) => m.field === 'readsFdump')?.severity, 'critical');
  assert.match(diff.find((m) => m.field === 'readsFdump')!.explanation, /stale Fdump\.bin/);
});

test('a differing convention, oversample, polarization and detector size are each named', () => {
  const a = parseEffectiveConfig(read('c_tc_d3.stdout.log'), 'c');
  const b = parseEffectiveConfig(
    read('c_tc_d3.stdout.log')
      .replace('mosflm convention', 'xds convention')
      .replace('1x1 pixel oversample', '2x2 pixel oversample')
      .replace('Kahn polarization factor: 0.000000', 'Kahn polarization factor: 0.700000')
      .replace('(256x256 pixels)', '(128x128 pixels)'),
    'c',
  );
  const fields = diffConfigs(a, b, { reference: 'c', candidate: 'embedded' }).map((m) => m.field).sort();
  assert.deepEqual(fields, ['convention', 'detector', 'oversample', 'polarizationFactor']);
});

test('source file inspection follows C: comment lines are records, CRLF noted, λ column read', () => {
  const facts = inspectSourceFile(read('two_sources_commented.txt'));
  assert.deepEqual(facts.textLines, [1, 2]);
  assert.equal(facts.records, 4);
  assert.deepEqual(facts.lambdasM.map((r) => r.lambdaM), [6.2e-10, 6.2e-10]);
  const crlf = inspectSourceFile('-10 0 0\r\n\r\n0 0 10 1 1e-10\r\n');
  assert.deepEqual(crlf.crlfLines, [1, 2, 3]);
  assert.equal(crlf.records, 3, 'a blank CRLF line is a (ghost) record in C');
});

test('preflight on the seed TC-D1 in a workspace with Fdump.bin and the frozen binary', async () => {
  const ws = await makeTempDir('nbp-preflight-');
  await fs.mkdir(path.join(ws, path.dirname(FIXTURE)), { recursive: true });
  await fs.copyFile(path.join(DIR, 'two_sources_commented.txt'), path.join(ws, FIXTURE));
  await fs.writeFile(path.join(ws, 'Fdump.bin'), Buffer.alloc(100));
  const w = await preflight({ flags: TC_D1, workspace: ws, frozenBinary: path.join(ws, 'nanoBragg') });
  const codes = w.map((x) => x.code);
  assert.deepEqual(codes, ['no-N', 'sourcefile-comments', 'source-lambda-differs', 'fdump-in-workspace', 'frozen-binary']);
  assert.match(w[1].message, /lines 1, 2 are not numeric/);
  assert.match(w[1].message, /4 sources in C vs 2 in PyTorch/);
  assert.match(w[2].message, /\(6\.2 Å, lines 3, 4\) differs from -lambda 0\.9768 Å/);
  // A clean setup has nothing to say.
  await fs.rm(path.join(ws, 'Fdump.bin'));
  await fs.copyFile(path.join(DIR, 'two_sources.txt'), path.join(ws, FIXTURE));
  const clean = TC_D1.map((f) => (f === '0.9768' ? '6.2' : f)).concat(['-N', '1']);
  assert.deepEqual(await preflight({ flags: clean, workspace: ws }), []);
  const missing = await preflight({ flags: ['-N', '1', '-sourcefile', 'nope.txt'], workspace: ws });
  assert.equal(missing[0].code, 'sourcefile-missing');
  assert.match(missing[0].message, /nope\.txt: cannot read .*ENOENT/);
});

test('embedded vs embedded (the demo): every sentence names the sides by preset; the N default by fork', async () => {
  // The demo's pair on the seed TC-D1 (commented source file), with the engine's own effective configurations.
  const goldens = path.join(import.meta.dirname, '../fixtures/c-goldens');
  const flags = TC_D1.map((f) => (f === FIXTURE ? 'two_sources_commented.txt' : f)).filter((f) => f !== '-nonoise').concat(['-nonoise', '-nopgm']);
  const [c, py] = await Promise.all(['c', 'pytorch'].map((preset) =>
    simulate({ args: flags, cwd: goldens, preset: preset as 'c' | 'pytorch', workers: 0, writeFloatfile: false })));
  const diff = diffConfigs(c.effectiveConfig, py.effectiveConfig, { reference: 'embedded', candidate: 'embedded' });
  const by = Object.fromEntries(diff.map((m) => [m.field, m]));
  assert.deepEqual(Object.keys(by).sort(), ['nCells', 'nSources', 'polarization', 'sourceLambda']);
  assert.match(by.nCells.explanation, /without -N, embedded \(preset c\) defaults to N=1 \(fork defaultN=1, as C\), embedded \(preset pytorch\) to N=5 \(fork defaultN=5, as the PyTorch CLI\)/);
  assert.match(by.nSources.explanation, /^4 vs 2 sources: embedded \(preset c\) turns the source file's 2 `#`\/text lines into ghost sources/);
  assert.match(by.sourceLambda.explanation, /^λ per source: embedded \(preset c\) uses the source file's wavelength column, embedded \(preset pytorch\) replaces it with -lambda\.$/);
  assert.equal(by.sourceLambda.reference, '6.2 Å (2 sources)');
  assert.match(by.polarization.explanation, /^embedded \(preset c\) computes polarization once per pixel from the FIRST source/);
  for (const m of diff) assert.doesNotMatch(m.explanation, /(^|[^(])embedded (uses|replaces|turns|computes)/, 'a bare "embedded" never names a side');
});

test('side names: same engine and preset say the side; callers may pass their own names', () => {
  const c = parseEffectiveConfig(read('c_tc_d1.stdout.log'), 'c');
  const c5 = parseEffectiveConfig(read('c_tc_d1.stdout.log').replace('1x1x1 cells', '5x5x5 cells'), 'c');
  assert.deepEqual(sideNames(c, c5, { reference: 'c', candidate: 'c' }), { R: 'reference C', C: 'candidate C' });
  const e = parseEffectiveConfig(`nb-parity embedded engine 0.1.0 preset=c forks=defaultN=1\n${read('c_tc_d1.stdout.log')}`, 'embedded');
  assert.deepEqual(sideNames(e, e, { reference: 'embedded', candidate: 'embedded' }), { R: 'reference embedded (preset c)', C: 'candidate embedded (preset c)' });
  assert.deepEqual(sideNames(c, e, { reference: 'c', candidate: 'embedded' }), { R: 'C', C: 'embedded (preset c)' });
  const named = diffConfigs(c, c5, { reference: 'c', candidate: 'c', names: { reference: 'C (old build)', candidate: 'C (new build)' } });
  assert.deepEqual(named.map((m) => m.field), ['nCells']);
  assert.match(named[0].explanation, /the two runs use different crystal sizes/);
  const clean = read('c_tc_d1.stdout.log').replace('a total of 4 sources', 'a total of 2 sources').replace(/^0 0 0 {3}0 0\r?\n/gm, '');
  const nsrc = diffConfigs(c, parseEffectiveConfig(clean, 'c'), { reference: 'c', candidate: 'c', names: { reference: 'C (old build)', candidate: 'C (new build)' } });
  assert.match(nsrc.find((m) => m.field === 'nSources')!.explanation, /C \(old build\) turns the source file's 2/);
});

test('a configuration never differs from itself (every real-run and c-golden log, also with Fdump.bin read on both)', () => {
  const goldens = path.join(import.meta.dirname, '../fixtures/c-goldens');
  const logs = [
    ...['c_tc_d1', 'c_tc_d3', 'c_tc_d3_N5'].map((f) => parseEffectiveConfig(read(`${f}.stdout.log`), 'c')),
    ...readdirSync(goldens).filter((f) => f.endsWith('.c.log')).map((f) => parseEffectiveConfig(readFileSync(path.join(goldens, f), 'utf8'), 'c')),
  ];
  assert.ok(logs.length >= 18);
  for (const cfg of logs) {
    assert.deepEqual(diffConfigs(cfg, structuredClone(cfg), { reference: 'c', candidate: 'embedded' }), []);
    assert.deepEqual(diffConfigs(cfg, structuredClone(cfg), { reference: 'c', candidate: 'c' }), []);
  }
  const p = parseEffectiveConfig(read('py_tc_d1.stdout.log'), 'torch', { stderr: read('py_tc_d1.stderr.log'), flags: TC_D1 });
  assert.deepEqual(diffConfigs(p, structuredClone(p), { reference: 'torch', candidate: 'torch' }), []);
  const fd = parseEffectiveConfig(`${read('c_tc_d3.stdout.log')}\n  reading Fs from Fdump.bin\n`, 'c');
  assert.deepEqual(diffConfigs(fd, structuredClone(fd), { reference: 'c', candidate: 'c' }), []);
});

test('ghost sources and first-source polarization: reported only when the two runs differ', () => {
  const commented = read('c_tc_d1.stdout.log');
  const c = parseEffectiveConfig(commented, 'c');
  // Same 4 records on both sides but the candidate's ghosts are real sources: ghost count and polarization differ.
  const real = parseEffectiveConfig(commented.replace(/^0 0 0 {3}0 0$/gm, '0 0 10   1 6.2e-10'), 'c');
  assert.equal(real.nSources, 4);
  const d = diffConfigs(c, real, { reference: 'c', candidate: 'embedded' });
  const rows = d.map((m) => [m.field, m.reference, m.candidate]);
  assert.deepEqual(rows.filter(([f]) => f === 'ghostSources' || f === 'polarization'),
    [['ghostSources', '2', '0'], ['polarization', 'from ghost source #0', 'from source #0']]);
  assert.deepEqual(rows.find(([f]) => f === 'sourceDirections'), ['sourceDirections', '(0 0 0), (0 0 0)', '(0 0 10), (0 0 10)']);
  // An embedded run with C's source parser but per-source polarization differs from C in polarization only.
  const emb = parseEffectiveConfig(`nb-parity embedded engine 0.1.0 preset=c forks=sourceParser=c,polarization=per-source\n${commented}`, 'embedded');
  assert.deepEqual(diffConfigs(c, emb, { reference: 'c', candidate: 'embedded' }).map((m) => [m.field, m.reference, m.candidate]),
    [['polarization', 'from ghost source #0', 'per source']]);
  const embC = parseEffectiveConfig(`nb-parity embedded engine 0.1.0 preset=c forks=sourceParser=c,polarization=first-source\n${commented}`, 'embedded');
  assert.deepEqual(diffConfigs(c, embC, { reference: 'c', candidate: 'embedded' }), []);
});

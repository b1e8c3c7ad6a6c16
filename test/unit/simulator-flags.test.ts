// Flag parsing, source-file reading, forks/presets, number formatting and worker-script resolution.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { EmbeddedFlagError, parseFlags } from '../../src/core/simulator/flags.ts';
import { atof, readSourceFileC, readSourceFileClean } from '../../src/core/simulator/sources.ts';
import { FORK_DOCS, PRESETS, resolveForks } from '../../src/core/simulator/forks.ts';
import { fmtF, fmtG } from '../../src/core/simulator/cformat.ts';
import { resolveWorkerScript } from '../../src/core/simulator/workerScript.ts';
import { ompBlockStarts } from '../../src/core/simulator/config.ts';
import { simulate, prepareSimulation } from '../../src/core/simulator/index.ts';
import { splitRows } from '../../src/core/simulator/pool.ts';

const fixtures = fileURLToPath(new URL('../fixtures/c-goldens/', import.meta.url));
const base = ['-cell', '100', '100', '100', '90', '90', '90', '-default_F', '100', '-detpixels', '16'];

test('units are converted the way C does (division, not multiplication)', () => {
  const o = parseFlags(['-lambda', '0.9768', '-distance', '231.274660', '-pixel', '0.172', '-hdivrange', '0.5', '-dispersion', '0.5', '-phi', '10']);
  assert.equal(o.lambda0, 0.9768 / 1.0e10);
  assert.equal(o.distance, 231.27466 / 1000.0);
  assert.equal(o.distance, 0.23127466000000002);
  assert.equal(o.pixel, 0.172 / 1000.0);
  assert.equal(o.hdivrange, 0.5 / 1000.0);
  assert.equal(o.dispersion, 0.5 / 100.0);
  assert.equal(o.phi0, 10 / (180.0 * (1 / Math.PI)));
  assert.equal(parseFlags(['-energy', '12398.42']).lambda0, 1e-10);
});

test('defaults: N=1, K=0, MOSFLM, the C default fluence', () => {
  const o = parseFlags([]);
  assert.deepEqual([o.Na, o.Nb, o.Nc, o.polarization, o.convention], [1, 1, 1, 0, 'MOSFLM']);
  assert.equal(o.fluence * 7.94079248018965e-30, 1.0);
});

test('pivot and convention side effects follow C', () => {
  assert.equal(parseFlags(['-xds']).pivot, 'SAMPLE');
  assert.equal(parseFlags(['-twotheta', '10']).pivot, 'SAMPLE');
  assert.equal(parseFlags(['-ORGX', '10', '-distance', '100']).pivot, 'BEAM');
  const t = parseFlags(['-twotheta_axis', '1', '0', '0']);
  assert.equal(t.convention, 'CUSTOM');
  assert.equal(t.pivot, 'SAMPLE');
  assert.ok(t.twotheta > 0, 'C strstr quirk: -twotheta_axis also sets 2θ from its x component');
});

test('-cell stops at the next dash token, like C', () => {
  const o = parseFlags(['-cell', '70', '80', '-N', '3']);
  assert.deepEqual(o.cell.slice(0, 3), [70, 80, 0]);
  assert.equal(o.Na, 3);
});

test('unknown, unsupported and malformed flags are EmbeddedFlagErrors naming the flag', () => {
  assert.throws(() => parseFlags(['-lamda', '1']), (e: Error) => e instanceof EmbeddedFlagError && /-lamda/.test(e.message));
  assert.throws(() => parseFlags(['-mosiac', '1']), /-mosiac: unknown flag/);
  assert.throws(() => parseFlags(['-stolout', 'x.stol']), /-stolout: not supported/);
  assert.throws(() => parseFlags(['-intfile', 'x.img']), /-intfile: not supported/);
  const rnd = parseFlags(['-misset', 'random', '-misset_seed', '42', '-N', '2']);
  assert.equal(rnd.missetRandom, true);
  assert.equal(rnd.missetSeed, -42);
  assert.equal(rnd.Na, 2);
  assert.throws(() => parseFlags(['-distance']), /-distance: expects 1 value/);
  assert.throws(() => parseFlags(['-distance', 'far']), /-distance: expected a number, got "far"/);
  assert.throws(() => parseFlags(['-N', '-lambda', '1']), /-N: expects 1 value/);
  assert.throws(() => parseFlags(['stray']), /unexpected argument "stray"/);
  // Negative numbers are values, not flags.
  assert.deepEqual(parseFlags(['-misset', '-10', '20', '-30']).misset!.map((x) => Math.round(x * 180 / Math.PI)), [-10, 20, -30]);
});

test('options that only affect outputs we do not write are accepted and reported', () => {
  const o = parseFlags(['-nonoise', '-nopgm', '-noprogress', '-seed', '5']);
  assert.deepEqual(o.noEffect, ['-nonoise', '-nopgm', '-noprogress', '-seed']);
});

test('bad setups are clear errors', async () => {
  await assert.rejects(simulate({ args: ['-default_F', '100', '-detpixels', '8'], workers: 0, writeFloatfile: false }), /no crystal given: pass -mat/);
  await assert.rejects(simulate({ args: ['-cell', '100', '-detpixels', '8'], workers: 0, writeFloatfile: false }), /no structure factors/);
  await assert.rejects(simulate({ args: [...base, '-mat', 'nope.mat'], cwd: fixtures, workers: 0, writeFloatfile: false }), /-mat nope\.mat: cannot read .*nope\.mat \(ENOENT\)/);
  await assert.rejects(simulate({ args: [...base, '-sourcefile', 'missing.txt'], cwd: fixtures, workers: 0, writeFloatfile: false }), /-sourcefile missing\.txt: cannot read/);
  await assert.rejects(simulate({ args: [...base, '-mask', 'A.mat'], cwd: fixtures, workers: 0, writeFloatfile: false }), /-mask .*A\.mat: too short for an SMV header/);
  await assert.rejects(simulate({ args: [...base, '-img', 'nope.img'], cwd: fixtures, workers: 0, writeFloatfile: false }), /-img .*nope\.img: cannot read \(ENOENT\)/);
  await assert.rejects(simulate({ args: [...base, '-mask', 'extra/mask.img', '-detpixels', '100'], cwd: fixtures, workers: 0, writeFloatfile: false }), /-mask .*mask\.img: 3072 pixels, but the detector has 100x100/);
  await assert.rejects(simulate({ args: base, preset: 'c', forks: { polarization: 'sideways' }, workers: 0 }), /--fork polarization: unknown value "sideways"/);
  await assert.rejects(simulate({ args: base, forks: { nonsense: 'x' } as never, workers: 0 }), /--fork: unknown fork "nonsense"/);
  await assert.rejects(simulate({ args: base, workers: -1 }), /workers: expected an integer/);
});

test("C's source-file reader: comment lines are ghost sources, trailing fields NaN, CRLF and a missing final newline read 0", () => {
  const recs = readSourceFileC('# Weighted two-source fixture\n# X Y Z weight wavelength(m)\n0.0 0.0 10.0 1.0 6.2e-10\n\n  ,;\n-10 0 0\n');
  assert.equal(recs.length, 4);
  // The last word swallows the '\n' ('\n' is not a delimiter), so the remaining fields read atof("") = 0.
  assert.deepEqual(recs[0], [0, 0, 0, 0, 0]);
  assert.deepEqual(recs[1], [0, 0, 0, 0, 0]);
  assert.deepEqual(recs[2], [0, 0, 10, 1, 6.2e-10]);
  assert.deepEqual(recs[3]!.slice(0, 3), [-10, 0, 0]);
  assert.ok(Number.isNaN(recs[3]![3]) && Number.isNaN(recs[3]![4]));
  assert.deepEqual(readSourceFileC('-10 0 0\r\n'), [[-10, 0, 0, 0, 0]]);
  assert.deepEqual(readSourceFileC('-10 0 0'), [[-10, 0, 0, 0, 0]]);
  assert.deepEqual(readSourceFileClean('# c\n\n0 0 10 1 6e-10\r\n-10\n'), [[0, 0, 10, 1, 6e-10], [-10, 0, 0, NaN, NaN]]);
  assert.equal(atof('6.2e-10abc'), 6.2e-10);
  assert.equal(atof('#'), 0);
  assert.equal(atof('  -inf'), -Infinity);
});

test('forks: presets are complete, documented, and override order is preset then forks', () => {
  for (const p of Object.values(PRESETS)) assert.deepEqual(Object.keys(p).sort(), Object.keys(FORK_DOCS).sort());
  for (const [k, d] of Object.entries(FORK_DOCS)) assert.equal(PRESETS.c[k as keyof typeof PRESETS.c], d.c);
  const f = resolveForks('pytorch', { defaultN: '1' });
  assert.equal(f.defaultN, '1');
  assert.equal(f.sourceParser, 'clean');
});

test('defaultN fork: N=5 only when no -N flag is given', () => {
  const p5 = prepareSimulation({ args: base, forks: { defaultN: '5' } });
  assert.deepEqual([p5.config.Na, p5.config.Nb, p5.config.Nc], [5, 5, 5]);
  const p2 = prepareSimulation({ args: [...base, '-Nb', '2'], forks: { defaultN: '5' } });
  assert.deepEqual([p2.config.Na, p2.config.Nb, p2.config.Nc], [1, 2, 1]);
});

test('printf formatting matches glibc', () => {
  assert.equal(fmtG(0.23127466000000002, 15), '0.23127466');
  assert.equal(fmtG(-0.022187999999999996, 15), '-0.022188');
  assert.equal(fmtG(9.768e-11), '9.768e-11');
  assert.equal(fmtG(125932015286227086360700780544), '1.25932e+29');
  assert.equal(fmtG(0.333333333), '0.333333');
  assert.equal(fmtG(100000), '100000');
  assert.equal(fmtG(1000000), '1e+06');
  assert.equal(fmtG(0.0001), '0.0001');
  assert.equal(fmtG(0.00001234), '1.234e-05');
  assert.equal(fmtG(-0), '-0');
  assert.equal(fmtG(NaN), 'nan');
  assert.equal(fmtG(new Float64Array(new BigUint64Array([0xfff8000000000000n]).buffer)[0]!), '-nan');
  assert.equal(fmtF(0), '0.000000');
});

test('worker script: dev .ts → worker-dev.mjs, ESM bundle → engine-worker.mjs, CJS bundle → __dirname', () => {
  assert.equal(resolveWorkerScript('file:///x/src/core/simulator/pool.ts', undefined).pathname, '/x/src/core/simulator/worker-dev.mjs');
  assert.equal(resolveWorkerScript('file:///x/dist/cli.mjs', undefined).pathname, '/x/dist/engine-worker.mjs');
  assert.equal(resolveWorkerScript(undefined, '/x/dist').pathname, '/x/dist/engine-worker.mjs');
  assert.equal(resolveWorkerScript('file:///x/dist/cli.mjs', undefined, '/y/w.mjs').pathname, '/y/w.mjs');
  assert.throws(() => resolveWorkerScript(undefined, undefined), /NB_ENGINE_WORKER/);
});

test("libgomp static blocks and the worker row split", () => {
  assert.deepEqual(ompBlockStarts(128, 2), [0, 64]);
  assert.deepEqual(ompBlockStarts(10, 3), [0, 4, 7]);
  assert.deepEqual(ompBlockStarts(2, 4), [0, 1]);
  assert.deepEqual(splitRows(10, 4), [[0, 2], [2, 5], [5, 7], [7, 10]]);
  assert.deepEqual(splitRows(2, 4), [[0, 1], [1, 2]]);
});

test('effective configuration is exposed from the parsed config', async () => {
  const r = await simulate({ args: ['-mat', 'A.mat', '-sourcefile', 'two_sources_commented.txt', '-default_F', '100', '-distance', '231.274660', '-lambda', '0.9768', '-pixel', '0.172', '-detpixels', '32'], cwd: fixtures, workers: 0, writeFloatfile: false });
  const e = r.effectiveConfig;
  assert.equal(e.convention, 'mosflm');
  assert.equal(e.nSources, 4);
  assert.deepEqual(e.nCells, [1, 1, 1]);
  assert.deepEqual(e.detector, { fpixels: 32, spixels: 32, pixelM: 0.172 / 1000, distanceM: 0.23127466000000002 });
  assert.equal(e.embedded?.preset, 'c');
  assert.equal(e.readsFdump, false);
  assert.match(r.stdout, /^nb-parity embedded engine \S+ preset=c forks=sourceParser=c,/);
  assert.match(r.stdout, /\n {2}created a total of 4 sources:\n0 0 0 {3}0 0\n0 0 0 {3}0 0\n0 0 10 {3}1 6\.2e-10\n/);
});

test('the analysis layer parses our stdout into the same effective configuration we expose', async () => {
  const { parseEffectiveConfig } = await import('../../src/core/diagnosis/effectiveConfig.ts');
  const r = await simulate({ args: ['-mat', 'A.mat', '-sourcefile', 'two_sources_commented.txt', '-default_F', '100', '-N', '2', '-distance', '231.274660', '-lambda', '0.9768', '-pixel', '0.172', '-detpixels', '32', '-oversample', '2'], cwd: fixtures, workers: 0, writeFloatfile: false });
  const parsed = parseEffectiveConfig(r.stdout, 'embedded');
  const e = r.effectiveConfig;
  for (const k of ['convention', 'nCells', 'nSources', 'mosaicDomains', 'oversample', 'phiSteps', 'divergenceSteps', 'polarizationFactor'] as const) {
    assert.deepEqual(parsed[k], e[k], k);
  }
  assert.deepEqual(parsed.embedded, e.embedded);
  assert.equal(parsed.sources?.length, 4);
  assert.deepEqual(parsed.detector?.fpixels, e.detector?.fpixels);
  assert.ok(Math.abs(parsed.fluence! / e.fluence! - 1) < 1e-5);
  assert.ok(Math.abs(parsed.pix0![0] - e.pix0![0]) < 1e-12);
});

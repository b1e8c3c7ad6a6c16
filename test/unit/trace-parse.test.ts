// Parser: every line shape of the C and PyTorch traces, the messy parts (CRLF, spacing, nan/inf, missing
// values, progress output on the same line), and all 15 real C traces of test/fixtures/c-goldens.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { decodeFloat32LE } from '../../src/core/images/floatImage.ts';
import { finalProduct, parseNumber, parseTrace, parseValue, traceMatchesImage } from '../../src/core/trace/index.ts';

const GOLDENS = path.join(import.meta.dirname, '..', 'fixtures', 'c-goldens');
const TRACES = path.join(import.meta.dirname, '..', 'fixtures', 'traces');

describe('trace values', () => {
  it('reads numbers in every spelling C and Python print', () => {
    assert.equal(parseNumber('1e-05'), 1e-5);
    assert.equal(parseNumber('-0'), -0);
    assert.ok(Number.isNaN(parseNumber('-nan')!));
    assert.ok(Number.isNaN(parseNumber('NaN')!));
    assert.equal(parseNumber('inf'), Infinity);
    assert.equal(parseNumber('-Infinity'), -Infinity);
    assert.equal(parseNumber('MOSFLM'), undefined);
  });
  it('reads vectors, matrices, composite values, integers and text', () => {
    assert.deepEqual(parseValue('0.23127466 0.022188 -0.022188').numbers, [0.23127466, 0.022188, -0.022188]);
    const m = parseValue('[1 0 0; 0 1 -0; 0 0 1]');
    assert.deepEqual(m.numbers, [1, 0, 0, 0, 1, -0, 0, 0, 1]);
    const comp = parseValue('rotx:0 roty:0 rotz:0 twotheta:0');
    assert.deepEqual(comp.labels, ['rotx', 'roty', 'rotz', 'twotheta']);
    assert.deepEqual(comp.numbers, [0, 0, 0, 0]);
    assert.equal(parseValue('-2147483648 -2147483648 -2147483648').integer, true);
    assert.equal(parseValue('0.5').integer, false);
    assert.equal(parseValue('MOSFLM').text, 'MOSFLM');
    assert.equal(parseValue('Fbeam←Ybeam_mm(+0.5px),Sbeam←Xbeam_mm(+0.5px),beam_vec=[1 0 0]').text !== undefined, true);
    assert.deepEqual(parseValue('').numbers, []);
  });
});

describe('trace lines', () => {
  const text = [
    'nanoBragg nanocrystal diffraction simulator',
    'TRACE_C:detector_convention=MOSFLM',
    'TRACE_C:angles_rad=rotx:0 roty:0 rotz:0 twotheta:0',
    'TRACE_C:Rx=[1 0 0; 0 1 -0; 0 0 1]',
    'TRACE_C:pix0_vector=0.23127466 0.022188 -0.022188',
    'TRACE_C:pix0_vector=0.23127466 0.022188 -0.022188',
    'TRACE: Raw matrix values from file:',
    'TRACE_CONFIG: tracing pixel (spixel=12, fpixel=34)',
    '0% done',
    'TRACE_C: pix0_vector_meters 0.23127466 0.022188 -0.022188',
    'TRACE_C:   hkl_frac   -nan  -nan -nan  ',
    '44% doneTRACE_C: hkl_rounded -2147483648 -2147483648 -2147483648',
    'TRACE_C: F_latt_a',
    'TRACE_C_PHI phi_tic=0 phi_deg=0 k_frac=-0.0188 F_latt_b=1 F_latt=1',
    'TRACE_C_SOURCE2: polar 0.5',
    'TRACE_C: scattering_vec_A_inv inf inf -inf',
  ].join('\r\n');
  const t = parseTrace(text);
  it('knows the dialect, the pixel and skips other stdout', () => {
    assert.equal(t.format, 'c');
    assert.deepEqual(t.pixel, { slow: 12, fast: 34 });
    assert.ok(t.ignoredLines >= 3);
    assert.deepEqual(t.warnings, []);
  });
  it('keeps one copy of a geometry line C prints twice', () => {
    assert.equal(t.byKey.get('geometry:pix0_vector')!.values.length, 1);
    assert.equal(t.byKey.get('geometry:detector_convention')!.values[0].text, 'MOSFLM');
    assert.equal(t.byKey.get('geometry:Rx')!.values[0].numbers.length, 9);
  });
  it('reads pixel, φ and source lines, odd spacing and progress text before the tag', () => {
    assert.ok(Number.isNaN(t.byKey.get('hkl_frac')!.values[0].numbers[2]));
    assert.deepEqual(t.byKey.get('hkl_rounded')!.values[0].numbers, [-2147483648, -2147483648, -2147483648]);
    assert.deepEqual(t.byKey.get('F_latt_a')!.values[0].numbers, []);
    assert.equal(t.byKey.get('phi[0].k_frac')!.values[0].numbers[0], -0.0188);
    assert.equal(t.byKey.get('phi[0].F_latt')!.group, 'phi');
    assert.equal(t.byKey.get('source[2].polar')!.index, 2);
    assert.deepEqual(t.byKey.get('scattering_vec_A_inv')!.values[0].numbers, [Infinity, Infinity, -Infinity]);
  });
  it('reads the PyTorch dialect: TRACE_PY, TRACE_PY_SOURCE i, TRACE_PY_PHI, and ignores untagged TRACE:', () => {
    const py = parseTrace(
      [
        '  Tracing pixel (slow=129, fast=129)',
        'TRACE_PY: F_latt_a 5',
        'TRACE_PY_SOURCE 1: source_direction -1 -0 -0',
        'TRACE_PY_PHI phi_tic=2 phi_deg=0.5 k_frac=0.25 h_frac=0.1',
        'TRACE_PY_PHI 3: F_latt 7',
        'TRACE: r_e^2 = 7.940792725906e-30',
      ].join('\n'),
    );
    assert.equal(py.format, 'py');
    assert.deepEqual(py.pixel, { slow: 129, fast: 129 });
    assert.equal(py.byKey.get('source[1].source_direction')!.values[0].numbers.length, 3);
    assert.equal(py.byKey.get('phi[2].h_frac')!.values[0].numbers[0], 0.1);
    assert.equal(py.byKey.get('phi[3].F_latt')!.values[0].numbers[0], 7);
    assert.equal(py.byKey.has('r_e^2'), false);
  });
  it('reports unreadable trace lines as warnings instead of throwing', () => {
    const bad = parseTrace('TRACE_PY_SOURCE x: polar 1\nTRACE_C_PHI k_frac=1\n');
    assert.equal(bad.warnings.length, 2);
    assert.match(bad.warnings[0], /line 1/);
    assert.match(parseTrace('just stdout\n').warnings[0], /-trace_pixel/);
  });
  it('collapses a block printed once per thickness step and keeps each value', () => {
    const block = (i: number) => [`TRACE_C: pix0_vector_meters 0.1 0 ${i}`, `TRACE_C: F_latt ${i + 1}`];
    const thick = parseTrace([...block(0), ...block(1), ...block(2), ...block(3), ...block(4), 'TRACE_C: I_pixel_final 3'].join('\n'));
    assert.equal(thick.blockCount, 5);
    assert.deepEqual(thick.byKey.get('F_latt')!.values.map((v) => v.numbers[0]), [1, 2, 3, 4, 5]);
    assert.equal(thick.byKey.get('I_pixel_final')!.values.length, 1);
  });
});

describe('the 15 real C traces (c-goldens)', () => {
  const index = JSON.parse(readFileSync(path.join(GOLDENS, 'traces.json'), 'utf8')) as Array<{ id: string; slow: number; fast: number; trace: string }>;
  it('covers 15 traces', () => assert.equal(index.length, 15));
  for (const item of index) {
    it(`${item.id}: parses without a warning, names its pixel, has a pixel block and a final intensity`, () => {
      const t = parseTrace(readFileSync(path.join(GOLDENS, item.trace), 'utf8'));
      assert.deepEqual(t.warnings, []);
      assert.equal(t.format, 'c');
      assert.deepEqual(t.pixel, { slow: item.slow, fast: item.fast });
      for (const name of ['pix0_vector_meters', 'hkl_frac', 'F_cell', 'I_before_scaling', 'steps', 'I_pixel_final', 'floatimage_accumulated']) {
        assert.ok(t.byKey.has(name), `${item.id} lacks ${name}`);
      }
      assert.ok(t.byKey.get('geometry:pix0_vector'), 'geometry block read');
      assert.equal(t.byKey.get('hkl_rounded')!.values[0].integer, true);
    });
  }
  it('oversample2: the sub-pixel block is collapsed 4× (2²), the final part printed once', () => {
    const t = parseTrace(readFileSync(path.join(GOLDENS, 'oversample2.c.trace.log'), 'utf8'));
    assert.equal(t.blockCount, 4);
    assert.equal(t.byKey.get('pixel_pos_meters')!.values.length, 4);
    assert.equal(new Set(t.byKey.get('pixel_pos_meters')!.values.map((v) => v.raw)).size, 4);
    assert.equal(t.byKey.get('I_before_scaling')!.values.length, 1);
    assert.equal(t.byKey.get('phi[0].k_frac')!.values.length, 4);
  });
  it('every trace collapses its pixel block as often as C says it loops (oversample² × thickness steps)', () => {
    const counts: Record<string, number> = {};
    for (const item of index) {
      const text = readFileSync(path.join(GOLDENS, item.trace), 'utf8');
      const os = /(\d+)x\1 pixel oversample steps/.exec(text);
      const thick = /in (\d+) layers/.exec(text);
      const expected = Number(os![1]) ** 2 * Number(thick?.[1] ?? 1);
      const t = parseTrace(text);
      counts[item.id] = t.blockCount;
      assert.equal(t.blockCount, expected, item.id);
      assert.equal(t.byKey.get('pix0_vector_meters')!.values.length, expected, item.id);
      assert.equal(t.byKey.get('I_pixel_final')!.values.length, 1, item.id);
    }
    // Both kinds are in the corpus: single blocks and C's automatic 2×2 oversampling.
    assert.equal(counts['tc-d3'], 1);
    assert.equal(counts['phi3'], 4);
  });
  it('the PyTorch traces read as PyTorch with every source', () => {
    const t = parseTrace(readFileSync(path.join(TRACES, 'tc_d3_seed.py.trace.log'), 'utf8'));
    assert.equal(t.format, 'py');
    assert.deepEqual(t.warnings, []);
    assert.equal(t.entries.filter((e) => e.group === 'source' && e.name === 'polar').length, 3);
  });
});

describe('the factor model on the 15 real C traces', () => {
  const index = JSON.parse(readFileSync(path.join(GOLDENS, 'traces.json'), 'utf8')) as Array<{ id: string; slow: number; fast: number; trace: string }>;
  const fpixels = Object.fromEntries(
    readFileSync(path.join(GOLDENS, 'manifest.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; fpixels: number })
      .map((m) => [m.id, m.fpixels]),
  );
  for (const item of index) {
    it(`${item.id}: the traced factors multiply to C's I_pixel_final, and the trace matches the C image`, () => {
      const t = parseTrace(readFileSync(path.join(GOLDENS, item.trace), 'utf8'));
      const fin = t.byKey.get('I_pixel_final')!.values[0].numbers[0];
      const product = finalProduct(t)!;
      assert.ok(Math.abs(product - fin) <= 1e-12 * Math.abs(fin), `${item.id}: ${product} vs ${fin}`);
      const img = { image: decodeFloat32LE(readFileSync(path.join(GOLDENS, `${item.id}.c.bin`))), fpixels: fpixels[item.id] };
      assert.equal(traceMatchesImage(t, img, item.slow, item.fast), true);
      const centre = img.image[item.slow * img.fpixels + item.fast];
      const other = img.image.findIndex((v) => Math.abs(v - centre) > 1e-3 * Math.abs(centre));
      assert.equal(traceMatchesImage(t, img, Math.floor(other / img.fpixels), other % img.fpixels), false, 'a pixel with another value does not match');
    });
  }
});

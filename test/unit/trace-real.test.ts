// The seed's real trace pairs (real C binary, real PyTorch port; test/fixtures/traces) must come out as
// formats.md §7 says, and each trace must match its own float image at the traced pixel.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { decodeFloat32LE } from '../../src/core/images/floatImage.ts';
import { compareTraces, firstDivergenceLine, parseTrace, renderFirstDivergenceMarkdown, type TraceDiff } from '../../src/core/trace/index.ts';

const DIR = path.join(import.meta.dirname, '..', 'fixtures', 'traces');
const manifest = readFileSync(path.join(DIR, 'manifest.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as { id: string; slow: number; fast: number });

function image(file: string) {
  return { image: decodeFloat32LE(readFileSync(path.join(DIR, file))), fpixels: 256 };
}

function run(id: string): TraceDiff {
  return compareTraces(readFileSync(path.join(DIR, `${id}.c.trace.log`), 'utf8'), readFileSync(path.join(DIR, `${id}.py.trace.log`), 'utf8'), {
    case: id,
    referenceImage: image(`${id}.c.bin`),
    candidateImage: image(`${id}.py.bin`),
  });
}

const results = new Map(manifest.map((m) => [m.id, run(m.id)]));
const row = (d: TraceDiff, key: string) => d.rows.find((r) => r.key === key)!;

describe('real trace pairs', () => {
  it('the manifest lists the five pairs', () => assert.deepEqual([...results.keys()].sort(), ['tc_d1_N1', 'tc_d1_seed', 'tc_d3_N1', 'tc_d3_N5_peak', 'tc_d3_seed']));

  for (const m of manifest) {
    it(`${m.id}: traced at the manifest's pixel, and each trace matches its own image there`, () => {
      const d = results.get(m.id)!;
      assert.deepEqual(d.pixel, { slow: m.slow, fast: m.fast });
      assert.deepEqual(d.traceMatchesImage, { reference: true, candidate: true });
      assert.equal(d.result.source, 'image');
      assert.match(d.text, /the C trace matches its image; the PyTorch trace matches its image/i);
      assert.deepEqual(JSON.parse(JSON.stringify(d)).pixel, d.pixel, 'JSON-serialisable');
    });
  }

  it('a trace checked against the other side’s image does not show what that image computed', () => {
    const c = parseTrace(readFileSync(path.join(DIR, 'tc_d3_seed.c.trace.log'), 'utf8'));
    const py = readFileSync(path.join(DIR, 'tc_d3_seed.py.trace.log'), 'utf8');
    const d = compareTraces(c, py, { referenceImage: image('tc_d3_seed.py.bin'), candidateImage: image('tc_d3_seed.py.bin') });
    assert.equal(d.traceMatchesImage.reference, false);
    assert.match(d.text, /the C trace does not show what the image computed/i);
  });

  it('tc_d3_seed: results differ, first divergence F_latt_a 1 vs 5 (N cells); incident_vec, rot_*, hkl_frac are artefacts', () => {
    const d = results.get('tc_d3_seed')!;
    assert.equal(d.verdict, 'differ');
    assert.deepEqual({ ...d.firstDivergence, relDiff: undefined }, { name: 'F_latt_a', reference: '1', candidate: '5', class: 'differs', relDiff: undefined, hint: 'N cells' });
    for (const k of ['incident_vec', 'rot_a_angstroms', 'rot_b_angstroms', 'rot_c_angstroms', 'hkl_frac', 'scattering_vec_A_inv']) {
      assert.ok(row(d, k).artefact, `${k} is an artefact`);
      assert.equal(row(d, k).reaches, false);
    }
    assert.equal(row(d, 'rot_a_angstroms').class, 'units?');
    assert.match(d.text, /^Results differ at \(129, 129\): 0\.00553096 vs 84\.7927; first divergence `F_latt_a` 1 vs 5 \(N cells\)/);
    assert.deepEqual(d.laterDivergences.map((x) => x.name), ['F_latt_b', 'F_latt_c']);
    assert.equal(row(d, 'F_latt_a').divergence, 'first');
  });

  it('tc_d3_N1: results agree; 6 differing rows, all artefacts', () => {
    const d = results.get('tc_d3_N1')!;
    assert.equal(d.verdict, 'agree');
    assert.equal(d.firstDivergence, null);
    const differing = d.rows.filter((r) => ['differs', 'units?', 'sign'].includes(r.class));
    assert.deepEqual(differing.map((r) => r.key), ['incident_vec', 'scattering_vec_A_inv', 'rot_a_angstroms', 'rot_b_angstroms', 'rot_c_angstroms', 'hkl_frac']);
    assert.ok(differing.every((r) => r.artefact));
    assert.match(d.text, /results agree at \(128, 128\).*the traces differ in 6 rows, all trace artefacts/i);
  });

  it('tc_d3_N5_peak: results agree (3e-5 apart); F_latt_a 4.90 vs 5 is an artefact, not a divergence', () => {
    const d = results.get('tc_d3_N5_peak')!;
    assert.equal(d.verdict, 'agree');
    assert.ok(d.result.relDiff! > 1e-5 && d.result.relDiff! < 1e-4);
    const f = row(d, 'F_latt_a');
    assert.equal(f.class, 'differs');
    assert.equal(f.artefact?.quirk, 'rot-metres');
    assert.equal(row(d, 'I_before_scaling').artefact?.quirk, 'polar-folded');
    assert.ok(d.rows.filter((r) => ['differs', 'units?', 'sign'].includes(r.class)).every((r) => r.artefact));
    assert.match(d.text, /all trace artefacts/);
  });

  it('tc_d1_seed: results differ (N again), first divergence F_latt_a, and C’s 4 steps against 2 reported as a later one', () => {
    const d = results.get('tc_d1_seed')!;
    assert.equal(d.verdict, 'differ');
    assert.equal(d.firstDivergence?.name, 'F_latt_a');
    assert.ok(d.laterDivergences.some((x) => x.name === 'steps' && x.reference === '4' && x.candidate === '2'));
    assert.equal(row(d, 'lambda_meters').artefact?.quirk, 'incident-source0');
  });

  it('tc_d1_N1: results agree by compensation, steps 4 vs 2 and polar 0.5 vs 1 named', () => {
    const d = results.get('tc_d1_N1')!;
    assert.equal(d.verdict, 'agree-by-compensation');
    assert.equal(d.firstDivergence, null);
    assert.deepEqual(d.compensation.map((c) => c.name).sort(), ['I_before_scaling', 'polar', 'steps']);
    assert.match(d.text, /^Results agree by compensation at \(128, 128\): 0\.00276548 vs 0\.00276548;/);
    assert.match(d.text, /`steps` 4 vs 2 \(×2\)/);
    assert.match(d.text, /`polar` 0\.5 vs 1 \(×0\.5\)/);
    assert.match(d.text, /cancel/);
    assert.doesNotMatch(d.text, /no divergence/i);
    assert.match(firstDivergenceLine(d, 'trace_diff.json')!, /^First Divergence: none in the result \(agree by compensation: .*steps 4 vs 2/);
  });

  it('renders first_divergence.md and a ledger line naming the divergence, both values, the pixel and the trace file', () => {
    const d = results.get('tc_d3_seed')!;
    const md = renderFirstDivergenceMarkdown(d, { reference: 'trace_c_tc_d3_seed_s129_f129.log' });
    assert.match(md, /^# First divergence: tc_d3_seed at pixel \(129, 129\)/);
    assert.match(md, /\| F_latt_a \| 1 \| 5 \| .* \| differs \| \*\*→ first divergence\*\*/);
    assert.match(md, /\| incident_vec \|.*artefact: C prints the first source/);
    const line = firstDivergenceLine(d, 'reports/x/trace_diff_tc_d3_seed_s129_f129.json');
    assert.equal(line, 'First Divergence: F_latt_a 1 vs 5 (N cells) at pixel (129, 129); trace reports/x/trace_diff_tc_d3_seed_s129_f129.json');
    assert.equal(firstDivergenceLine(results.get('tc_d3_N1')!, 'x'), undefined);
  });

  it('reads the same with CRLF line ends, and with the sides swapped (PyTorch as reference)', () => {
    const c = readFileSync(path.join(DIR, 'tc_d1_N1.c.trace.log'), 'utf8');
    const py = readFileSync(path.join(DIR, 'tc_d1_N1.py.trace.log'), 'utf8');
    const crlf = compareTraces(c.replace(/\n/g, '\r\n'), py.replace(/\n/g, '\r\n'));
    assert.equal(crlf.verdict, 'agree-by-compensation');
    assert.equal(crlf.rows.length, compareTraces(c, py).rows.length);
    const swapped = compareTraces(py, readFileSync(path.join(DIR, 'tc_d3_seed.c.trace.log'), 'utf8').replace(/\n/g, '\r\n'));
    assert.equal(swapped.referenceFormat, 'py');
    const seed = compareTraces(readFileSync(path.join(DIR, 'tc_d3_seed.py.trace.log'), 'utf8'), readFileSync(path.join(DIR, 'tc_d3_seed.c.trace.log'), 'utf8'));
    assert.equal(seed.verdict, 'differ');
    assert.deepEqual([seed.firstDivergence?.name, seed.firstDivergence?.reference, seed.firstDivergence?.candidate], ['F_latt_a', '5', '1']);
  });
});

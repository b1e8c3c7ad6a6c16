// Synthetic traces (written for this test from a real C trace, one line changed at a time) for the classes
// the real pairs do not show: units, sign, missing rows, repeated blocks, the dtype-aware tolerance,
// a difference that does not reach the result, and compensation between two C-format traces.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { classifyValues, compareTraces, parseValue, type TraceDiff } from '../../src/core/trace/index.ts';

const BASE = readFileSync(path.join(import.meta.dirname, '..', 'fixtures', 'traces', 'tc_d3_N1.c.trace.log'), 'utf8');

/** The base trace with `TRACE_C: name …` lines replaced (null drops the line). */
function edit(changes: Record<string, string | null>, text = BASE): string {
  return text
    .split('\n')
    .flatMap((line) => {
      const m = /^TRACE_C: (\S+)/.exec(line);
      if (!m || !(m[1] in changes)) return [line];
      const v = changes[m[1]];
      return v === null ? [] : [`TRACE_C: ${m[1]} ${v}`];
    })
    .join('\n');
}
const row = (d: TraceDiff, key: string) => d.rows.find((r) => r.key === key)!;
const cls = (a: string, b: string, dtype: 'float32' | 'float64' = 'float32') => classifyValues(parseValue(a), parseValue(b), dtype).class;

describe('row classes', () => {
  it('equal, precision (dtype-aware), sign, units?, differs', () => {
    assert.equal(cls('0 0 1', '0 -0 1'), 'equal');
    assert.equal(cls('0.9768', '0.97680002450943'), 'precision');
    assert.equal(cls('0.9768', '0.97680002450943', 'float64'), 'differs');
    assert.equal(cls('1 2 3', '-1 -2 -3'), 'sign');
    assert.equal(cls('1 2 3', '1 -2 3'), 'sign');
    assert.equal(cls('-14.35 -21.87 -5.58', '-1.435e-09 -2.187e-09 -5.58e-10'), 'units?');
    assert.equal(cls('0.022188', '22.188'), 'units?');
    assert.equal(cls('0.5', '50'), 'differs', 'a factor of 100 is not a unit slip worth the name');
    assert.equal(cls('100', '101'), 'differs');
    assert.equal(cls('0 0 0', '0 0 1'), 'differs', 'integers carry no float noise');
    assert.equal(cls('nan', 'nan'), 'equal');
    assert.equal(cls('nan', '1'), 'differs');
    assert.equal(cls('1 2', '1 2 3'), 'differs');
  });
});

describe('synthetic trace pairs (both C-format, as the embedded engine prints)', () => {
  it('identical traces agree with no differing row', () => {
    const d = compareTraces(BASE, BASE, { candidateDtype: 'float64' });
    assert.equal(d.verdict, 'agree');
    assert.ok(d.rows.every((r) => r.class === 'equal'));
    assert.match(d.text, /the traces agree/);
  });

  it('a unit slip that reaches the result is the first divergence, classed units?', () => {
    const cand = edit({ omega_pixel_sr: '5.53096119296027e-04', omega_pixel: '5.53096119296027e-04', I_pixel_final: '5.5309607695043', floatimage_accumulated: '5.53096085786819' });
    const d = compareTraces(BASE, cand);
    assert.equal(d.verdict, 'differ');
    assert.equal(d.firstDivergence?.name, 'omega_pixel_sr');
    assert.equal(d.firstDivergence?.class, 'units?');
    assert.equal(row(d, 'omega_pixel').divergence, undefined, 'omega_pixel is downstream of the first divergence, not independent');
  });

  it('a sign flip whose downstream rows all agree does not count as a divergence', () => {
    const d = compareTraces(BASE, edit({ fdet_vec: '-0 -0 -1' }));
    assert.equal(row(d, 'fdet_vec').class, 'sign');
    assert.equal(row(d, 'fdet_vec').reaches, false);
    assert.equal(d.verdict, 'agree');
    assert.match(d.text, /1 that do not reach the result \(`fdet_vec`\)/);
  });

  it('missing rows on either side are named, never a divergence; without steps the factors cannot be weighed', () => {
    const d = compareTraces(edit({ F_latt_b: null }), edit({ steps: null, hkl_rounded: '' }));
    assert.equal(row(d, 'F_latt_b').class, 'missing-reference');
    assert.equal(row(d, 'steps').class, 'missing-candidate');
    assert.equal(row(d, 'steps').formatOnly, undefined);
    assert.equal(row(d, 'hkl_rounded').class, 'differs', 'a printed name without a value differs from a value');
    assert.ok(d.notes.some((n) => /lacks the factors/.test(n)));
  });

  it('a result that differs through F_cell names F_cell, with later independent divergences', () => {
    const cand = edit({ F_cell: '200', steps: '6', I_before_scaling: '120000', I_pixel_final: '0.0110619215390086', floatimage_accumulated: '0.0110619217157364' });
    const d = compareTraces(BASE, cand);
    assert.equal(d.verdict, 'differ');
    assert.equal(d.firstDivergence?.name, 'F_cell');
    assert.deepEqual(d.laterDivergences.map((x) => x.name), ['steps']);
    assert.match(d.text, /^Results differ at \(128, 128\): 0\.00553096 vs 0\.0110619; first divergence `F_cell` 100 vs 200/);
  });

  it('two differing factors that cancel: agree by compensation, both named with their effect', () => {
    const d = compareTraces(BASE, edit({ steps: '6', I_before_scaling: '60000' }));
    assert.equal(d.verdict, 'agree-by-compensation');
    assert.deepEqual(d.compensation.map((c) => c.name), ['I_before_scaling', 'steps']);
    assert.match(d.text, /`I_before_scaling` 30000 vs 60000 \(×2\) and `steps` 3 vs 6 \(×0\.5\) cancel/);
  });

  it('repeated blocks: counts kept; a single value within the repeated ones is an artefact of sampling', () => {
    const lines = BASE.split('\n');
    const start = lines.findIndex((l) => l.startsWith('TRACE_C: pix0_vector_meters'));
    const end = lines.findIndex((l) => l.startsWith('TRACE_C: F_cell'));
    const block = lines.slice(start, end + 1);
    const shifted = (dz: number) => block.map((l) => (l.startsWith('TRACE_C: pixel_pos_meters') ? `TRACE_C: pixel_pos_meters 0.23127466 8.6e-05 ${-8.6e-5 + dz}` : l));
    const thick = [...lines.slice(0, start), ...shifted(-1e-5), ...shifted(0), ...shifted(1e-5), ...lines.slice(end + 1)].join('\n');
    const middle = edit({ pixel_pos_meters: '0.23127466 8.6e-05 -8.6e-05' });
    const d = compareTraces(thick, edit({ pixel_pos_meters: '0.23127466 8.6e-05 -8.3e-05' }, middle), { candidateDtype: 'float64' });
    const r = row(d, 'pixel_pos_meters');
    assert.equal(r.referenceCount, 3);
    assert.equal(r.candidateCount, 1);
    assert.equal(r.artefact?.quirk, 'repeated-block');
    const outside = compareTraces(thick, edit({ pixel_pos_meters: '0.23127466 8.6e-05 -5e-05' }, middle), { candidateDtype: 'float64' });
    assert.equal(row(outside, 'pixel_pos_meters').class, 'differs');
    assert.equal(row(outside, 'pixel_pos_meters').artefact, undefined);
    const same = compareTraces(thick, thick, { candidateDtype: 'float64' });
    assert.equal(row(same, 'pixel_pos_meters').class, 'equal');
    assert.equal(row(same, 'F_latt').candidateCount, 3);
  });

  it('the hkl rounding rules part only at exactly .5, and that is named', () => {
    const ref = edit({ hkl_frac: '0.5 0.00390609810158097 -0.00807031754704754', hkl_rounded: '0 0 0' });
    const d = compareTraces(ref, edit({ hkl_rounded: '1 0 0' }, ref));
    assert.equal(row(d, 'hkl_rounded').artefact?.quirk, 'hkl-rounding');
  });

  it('a float64 candidate is held to float64 precision', () => {
    const cand = edit({ lambda_angstroms: '0.97680002450943' });
    assert.equal(row(compareTraces(BASE, cand), 'lambda_angstroms').class, 'precision');
    assert.equal(row(compareTraces(BASE, cand, { candidateDtype: 'float64' }), 'lambda_angstroms').class, 'differs');
  });
});

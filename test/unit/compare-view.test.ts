// The linked compare view from two real bundle folders (bundle.json as the writer writes it, float32 images on
// disk): A's case, B's case, then candidate A vs B and reference A vs B, whose Δ panel is the Δ between bundles.
// The synthetic bundle's files are named from B's folder, so the panel's ordinary reader loads the right pixels.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { bundleJson } from '../../src/core/evidence/bundleJson.ts';
import { loadCaseImages } from '../../src/core/evidence/reader.ts';
import { buildCompareView, compareCaseIds } from '../../src/core/compare/compareView.ts';
import { peaksMessage } from '../../src/extension/panel/peaksMessage.ts';
import { isCompareHostMessage } from '../../src/shared/compareMessages.ts';
import type { CaseResult } from '../../src/shared/types.ts';
import { makeTempDir } from '../helpers/tempDirs.ts';

const F = 16, S = 12;

function image(fill: (s: number, f: number) => number): Float32Array {
  const a = new Float32Array(F * S);
  for (let s = 0; s < S; s++) for (let f = 0; f < F; f++) a[s * F + f] = fill(s, f);
  return a;
}

async function bundle(ws: string, stamp: string, caseId: string, ref: Float32Array, cand: Float32Array, status: 'pass' | 'fail'): Promise<string> {
  const dir = join(ws, 'reports/ini/phase', stamp);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'ref_tc.bin'), Buffer.from(ref.buffer));
  await writeFile(join(dir, 'cand_tc.bin'), Buffer.from(cand.buffer));
  const c = {
    caseId, label: 'test case', fileStem: 'tc', flags: [], thresholds: { corrMin: 0.999 },
    reference: { engine: 'c', command: [], fpixels: F, spixels: S, wallMs: 1 }, candidate: { engine: 'torch', command: [], fpixels: F, spixels: S, wallMs: 1 },
    verdict: { status, reason: status, failed: [] }, mismatches: [], preflight: [],
    files: { referenceImage: 'ref_tc.bin', candidateImage: 'cand_tc.bin' },
  } as unknown as CaseResult;
  await writeFile(join(dir, 'bundle.json'), bundleJson({ dir, stamp, layout: '1', createdAt: '', cases: [c] }, { reference: 'c', candidate: 'torch' }));
  return dir;
}

test('buildCompareView: A, B, candidate A→B, reference A→B; Δ between bundles; files resolve from B', async () => {
  const ws = await makeTempDir('compare-view-');
  const ref = image((s, f) => s * 100 + f);
  const candA = image((s, f) => s * 100 + f + (s === 3 && f === 5 ? 7 : 0));
  const candB = image((s, f) => s * 100 + f);
  const a = await bundle(ws, '20261201T100000Z', 'TC-X', ref, candA, 'fail');
  const b = await bundle(ws, '20261202T100000Z', 'TC-X', ref, candB, 'pass');
  const v = await buildCompareView({ a, b, caseId: 'TC-X' });
  const ids = compareCaseIds('TC-X');
  assert.deepEqual(v.bundle.cases.map((c) => c.caseId), [ids.a, ids.b, ids.candidate, ids.reference]);
  assert.equal(v.bundle.dir, b);
  assert.equal(v.info.a.stamp, '20261201T100000Z');
  assert.equal(v.info.b.verdict, 'pass');
  assert.match(v.info.judgement, /^better/);
  // The candidate moved by exactly the one changed pixel (B − A = −7 at slow 3, fast 5); the reference is identical.
  const cand = v.bundle.cases[2];
  assert.equal(v.sides.get(ids.candidate)?.badge, 'MOVED');
  assert.equal(v.sides.get(ids.reference)?.badge, 'SAME');
  assert.match(cand.verdict.reason, /candidate moved: 1 of 192 pixels, max \|B − A\| 7\.000 at \(slow 3, fast 5\), changed region --roi 5,5,3,3/);
  assert.equal(cand.metrics?.maxAbsDiff, 7);
  assert.deepEqual(cand.metrics?.maxAbsDiffAt, [3, 5]);
  assert.match(v.info.moved, /reference identical in both bundles/);
  // Read back from disk without the pixels kept on the runs: the relative names must reach A's files.
  const fromDisk = { ...v.bundle, cases: v.bundle.cases.map((c) => ({ ...c, reference: { ...c.reference, image: undefined }, candidate: { ...c.candidate, image: undefined } })) };
  const imgs = await loadCaseImages(fromDisk, ids.candidate);
  assert.deepEqual([...imgs.reference!], [...candA]);
  assert.deepEqual([...imgs.candidate!], [...candB]);
  const own = await loadCaseImages(fromDisk, ids.a);
  assert.deepEqual([...own.candidate!], [...candA]);
  await assert.rejects(buildCompareView({ a, b, caseId: 'TC-NONE' }), /no case TC-NONE/);
});

test('buildCompareView: a what-if names its case differently in B; labels replace A/B', async () => {
  const ws = await makeTempDir('compare-view-wi-');
  const ref = image((s, f) => s + f);
  const a = await bundle(ws, '20261201T100000Z', 'TC-X', ref, ref, 'fail');
  const b = await bundle(ws, '20261201T110000Z', 'TC-X~whatif', ref, ref, 'pass');
  const v = await buildCompareView({ a, b, caseId: 'TC-X', caseIdB: 'TC-X~whatif', labels: { a: 'original', b: 'what-if' } });
  assert.equal(v.info.caseIdB, 'TC-X~whatif');
  assert.equal(v.info.judgement, 'fail → pass');
  assert.equal(v.sides.get(compareCaseIds('TC-X').candidate)?.diff, 'Δ between bundles = what-if − original');
});

test('peak markers: every peak of both sides, matched ones flagged, a peak moved past the radius is unmatched', () => {
  const blank = () => new Float32Array(64 * 64).fill(1);
  const ref = blank(), cand = blank();
  const put = (img: Float32Array, s: number, f: number, v: number) => { img[s * 64 + f] = v; };
  put(ref, 10, 10, 100); put(cand, 11, 10, 100); // 1 px apart: matched
  put(ref, 40, 40, 80); put(cand, 40, 50, 80); // 10 px apart: unmatched on both sides
  const m = peaksMessage('TC', ref, cand, 64);
  assert.ok(isCompareHostMessage(m), 'passes the webview guard');
  assert.equal(m.matchedCount, 1);
  assert.equal(m.meanDistance, 1);
  assert.deepEqual(m.reference.map((p) => [p.slow, p.fast, p.matched]).sort(), [[10, 10, true], [40, 40, false]]);
  assert.deepEqual(m.candidate.map((p) => [p.slow, p.fast, p.matched]).sort(), [[11, 10, true], [40, 50, false]]);
});

// Bundle → webview ViewModel (pure part of the results panel host).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Bundle, CaseResult, EngineRun } from '../../src/shared/types.ts';
import { isViewModel } from '../../src/shared/messages.ts';
import { beamCenterFrom, buildViewModel, imageId, trendFrom } from '../../src/extension/panel/viewModel.ts';

function run(side: 'reference' | 'candidate', extra: Partial<EngineRun> = {}): EngineRun {
  return { engine: side === 'reference' ? 'c' : 'torch', side, fpixels: 256, spixels: 256, stdout: '', stderr: '', command: ['/ws/golden_suite_generator/nanoBragg'], env: {}, cwd: '/tmp', wallMs: 12, ...extra };
}
function caseResult(id: string, extra: Partial<CaseResult> = {}): CaseResult {
  return {
    caseId: id, label: id, fileStem: id.toLowerCase().replace('-', '_'), flags: ['-detpixels_x', '256', '-detpixels_y', '256', '-pixel', '0.172'],
    thresholds: { corrMin: 0.999, sumRatioTol: 1e-3 }, reference: run('reference'), candidate: run('candidate'),
    verdict: { status: 'fail', reason: 'corr low', failed: [] }, mismatches: [], preflight: [],
    files: { referenceImage: 'c_x.bin', candidateImage: 'py_x.bin' }, ...extra,
  };
}
function bundle(stamp: string, cases: CaseResult[]): Bundle {
  return { dir: `/ws/reports/i/p/${stamp}`, stamp, layout: 'nb-parity/1', createdAt: '2025-11-28T00:00:00Z', workspace: '/ws', cases };
}

test('MOSFLM beam centre from pix0: the seed geometry puts the beam at 128.5 (a pixel corner)', () => {
  const cfg = { convention: 'mosflm', pix0: [0.23127466, 0.022188, -0.022188] as [number, number, number], detector: { fpixels: 256, spixels: 256, pixelM: 0.000172 } };
  assert.deepEqual(beamCenterFrom(cfg, []), { fast: 128.5, slow: 128.5 });
  assert.equal(beamCenterFrom(cfg, ['-twotheta', '10']), undefined, 'rotated detector: no guess');
  assert.equal(beamCenterFrom({ ...cfg, convention: 'xds' }, []), undefined);
  assert.equal(beamCenterFrom({ convention: 'mosflm' }, []), undefined);
});

test('view model passes the protocol guard; image refs are per case and role with stable ids', () => {
  const b = bundle('20251128T010000Z', [caseResult('TC-D1'), caseResult('TC-D3', { files: { referenceImage: 'c.bin' } })]);
  const { viewModel, images } = buildViewModel(b, { readOnly: false, actions: { rerun: true } });
  assert.ok(isViewModel(viewModel));
  assert.equal(viewModel.cases.length, 2);
  assert.deepEqual(images.map((i) => i.id), [imageId(b.stamp, 'TC-D1', 'reference'), imageId(b.stamp, 'TC-D1', 'candidate'), imageId(b.stamp, 'TC-D3', 'reference')]);
  assert.equal(images[0]!.fpixels, 256);
  assert.equal(viewModel.cases[0]!.reference.label, 'C (golden_suite_generator/nanoBragg)');
  assert.deepEqual(viewModel.actions, { rerun: true });
  const reused = buildViewModel(bundle('20251128T010001Z', [caseResult('TC-D1', { reference: run('reference', { info: { reused: { from: '/ws/reports/x/c_x.bin' } } }) })]), { readOnly: true });
  assert.equal(reused.viewModel.cases[0]!.reference.label, 'C (golden_suite_generator/nanoBragg) reused', 'a C side copied from an earlier run says so');
});

test('availableImages (what actually loaded) wins over file names; attribution gets the model image id', () => {
  const attribution = { status: 'explained', summary: 'defaultN explains it', steps: [{ label: 'defaultN=5', fork: 'defaultN', value: '5', correlation: 0.99999, sumRatio: 1.00001 }], residual: { correlation: 0.99999, sumRatio: 1 } };
  const b = bundle('20251128T010000Z', [caseResult('TC-D1', { attribution } as Partial<CaseResult>)]);
  const { viewModel, images } = buildViewModel(b, { readOnly: false, availableImages: new Map([['TC-D1', ['reference', 'candidate', 'model']]]) });
  assert.equal(images.length, 3);
  const a = viewModel.cases[0]!.attribution!;
  assert.equal(a.status, 'explained');
  assert.equal(a.steps[0]!.correlation, 0.99999);
  assert.equal(a.modelImageId, imageId(b.stamp, 'TC-D1', 'model'));
  const none = buildViewModel(b, { readOnly: false, availableImages: new Map([['TC-D1', []]]) });
  assert.equal(none.images.length, 0);
  assert.equal(none.viewModel.cases[0]!.attribution!.modelImageId, undefined);
});

test('a crashed run (0×0) falls back to the size the flags ask for, so the webview guard still holds', () => {
  const crashed = caseResult('TC-D1', { reference: run('reference', { fpixels: 0, spixels: 0, error: 'segfault' }), candidate: run('candidate', { fpixels: 0, spixels: 0 }), files: {}, verdict: { status: 'error', reason: 'crash', failed: [] } });
  const { viewModel } = buildViewModel(bundle('20251128T010000Z', [crashed]), { readOnly: true, readOnlyReason: 'old' });
  assert.ok(isViewModel(viewModel));
  assert.equal(viewModel.cases[0]!.fpixels, 256);
  assert.equal(viewModel.cases[0]!.reference.error, 'segfault');
  assert.equal(viewModel.readOnlyReason, 'old');
});

test('trend: earlier bundles only (not newer than the shown one), oldest first, one point per stamp', () => {
  const mk = (stamp: string, corr: number) => bundle(stamp, [caseResult('TC-D1', { metrics: { correlation: corr, sumRatio: 1 } as CaseResult['metrics'] })]);
  const t = trendFrom([mk('20251128T030000Z', 0.3), mk('20251128T010000Z', 0.1), mk('20251128T020000Z', 0.2), mk('20251128T020000Z', 0.25)], '20251128T020000Z');
  const pts = t.get('TC-D1')!;
  assert.deepEqual(pts.map((p) => [p.stamp, p.correlation]), [['20251128T010000Z', 0.1], ['20251128T020000Z', 0.2]]);
});

test('view model carries a case\'s roi, ROI metrics and peaks when the bundle has them, and nothing when it has not', () => {
  const m = { pixels: 4, correlation: 0.5 } as CaseResult['metrics'];
  const peaks = { referencePeaks: 2, candidatePeaks: 1, matched: 1, meanDistance: 0, maxDistance: 0, unmatchedReference: [{ slow: 1, fast: 2, value: 3 }], unmatchedCandidate: [], unmatchedReferenceCount: 1, unmatchedCandidateCount: 0, options: { relThreshold: 0.1, absThreshold: 0, maxPeaks: 500, matchRadius: 3 } };
  const b = bundle('20251128T010000Z', [caseResult('TC-D1', { roi: { x0: 1, x1: 2, y0: 3, y1: 4 }, roiMetrics: m, peaks }), caseResult('TC-D3')]);
  const { viewModel } = buildViewModel(b, { readOnly: false });
  assert.ok(isViewModel(viewModel));
  assert.deepEqual(viewModel.cases[0]!.roi, { x0: 1, x1: 2, y0: 3, y1: 4 });
  assert.equal(viewModel.cases[0]!.roiMetrics, m);
  assert.deepEqual(viewModel.cases[0]!.peaks, peaks);
  assert.ok(!('roi' in viewModel.cases[1]!) && !('peaks' in viewModel.cases[1]!));
});

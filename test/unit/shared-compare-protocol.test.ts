// Guards for the issue-16 messages: well-formed requests pass both the specific and the general webview guard,
// anything malformed (missing ids, empty flag lists, inverted ROI, NaN numbers) is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isCompareHostMessage, isCompareRequest } from '../../src/shared/compareMessages.ts';
import { isHostToWebview, isWebviewToHost } from '../../src/shared/messages.ts';
import { sampleViewModel } from '../helpers/viewModel.ts';

test('compare requests: good ones pass, malformed ones are refused', () => {
  const good = [
    { type: 'showHistory', requestId: 1, caseId: 'TC-D3' },
    { type: 'compareWithPrevious', requestId: 2, bundleDir: '/b', caseId: 'TC-D3' },
    { type: 'openBundle', requestId: 3, bundleDir: '/b' },
    { type: 'exportData', requestId: 4, bundleDir: '/b', caseId: 'TC-D3', format: 'both', roi: { x0: 1, x1: 3, y0: 0, y1: 9 } },
    { type: 'runWhatIf', requestId: 5, bundleDir: '/b', caseId: 'TC-D3', flags: ['-N', '5'], reason: 'same -N' },
  ];
  for (const m of good) {
    assert.ok(isCompareRequest(m), m.type);
    assert.ok(isWebviewToHost(m), `${m.type} via isWebviewToHost`);
  }
  const bad = [
    { type: 'showHistory', caseId: 'TC-D3' }, // no requestId
    { type: 'compareWithPrevious', requestId: 2, caseId: 'TC-D3' },
    { type: 'exportData', requestId: 4, bundleDir: '/b', caseId: 'TC-D3', format: 'xlsx' },
    { type: 'exportData', requestId: 4, bundleDir: '/b', caseId: 'TC-D3', format: 'csv', roi: { x0: 5, x1: 3, y0: 0, y1: 9 } },
    { type: 'exportData', requestId: 4, bundleDir: '/b', caseId: 'TC-D3', format: 'csv', roi: { x0: -1, x1: 3, y0: 0, y1: 9 } },
    { type: 'runWhatIf', requestId: 5, bundleDir: '/b', caseId: 'TC-D3', flags: [] },
    { type: 'runWhatIf', requestId: 5, bundleDir: '/b', caseId: 'TC-D3', flags: ['-N', 5] },
    { type: 'openBundle', requestId: 3 },
  ];
  for (const m of bad) {
    assert.equal(isCompareRequest(m), false, JSON.stringify(m));
    assert.equal(isWebviewToHost(m), false, JSON.stringify(m));
  }
});

test('history and peaks host messages: guarded field by field', () => {
  const row = { bundleDir: '/b', stamp: '20261202T090000Z', time: '2026-12-02T09:00:00.000Z', verdict: 'pass', correlation: 0.99, sumRatio: null, maxAbsDiff: 0.1, engines: 'a vs b' };
  assert.ok(isHostToWebview({ type: 'history', caseId: 'TC-D3', rows: [row] }));
  assert.equal(isHostToWebview({ type: 'history', caseId: 'TC-D3', rows: [{ ...row, correlation: NaN }] }), false);
  assert.equal(isHostToWebview({ type: 'history', caseId: 'TC-D3', rows: [{ ...row, stamp: undefined }] }), false);
  const peaks = { type: 'peaks', caseId: 'TC-D3', reference: [{ slow: 1, fast: 2 }], candidate: [], matchedCount: 0, meanDistance: null, maxDistance: null };
  assert.ok(isCompareHostMessage(peaks));
  assert.equal(isHostToWebview({ ...peaks, reference: [{ slow: 1.5, fast: 2 }] }), false);
  assert.equal(isHostToWebview({ ...peaks, matchedCount: -1 }), false);
  assert.equal(isHostToWebview({ type: 'nonsense' }), false);
});

test('snapshot with fix suggestions and a what-if marker: guarded; malformed suggestions or marker refuse the snapshot', () => {
  const vm = sampleViewModel();
  vm.cases[0].suggestions = [{ flags: ['-N', '1'], why: 'same -N', from: ['config-diff', 'preflight'] }];
  vm.whatIf = { flags: ['-N', '1'], of: ['TC-D3'], reason: 'same -N' };
  vm.actions = { whatIf: false, recordAttempt: false };
  vm.actionReasons = { recordAttempt: 'a what-if is never recorded' };
  assert.ok(isHostToWebview(structuredClone({ type: 'snapshot', viewModel: vm })));
  const bad: unknown[] = [
    [{ flags: [], why: 'x', from: [] }],
    [{ flags: ['-N', 1], why: 'x', from: [] }],
    [{ flags: ['-N', '1'], from: [] }],
    { flags: ['-N', '1'], why: 'x', from: [] },
  ];
  for (const suggestions of bad) {
    const v = structuredClone(vm) as unknown as { cases: Record<string, unknown>[] };
    v.cases[0].suggestions = suggestions;
    assert.equal(isHostToWebview({ type: 'snapshot', viewModel: v }), false, JSON.stringify(suggestions));
  }
  for (const whatIf of [{ flags: '-N 1', of: [] }, { flags: ['-N'], of: 'TC-D3' }, { flags: ['-N'], of: [], reason: 3 }]) {
    assert.equal(isHostToWebview({ type: 'snapshot', viewModel: { ...vm, whatIf } }), false, JSON.stringify(whatIf));
  }
});

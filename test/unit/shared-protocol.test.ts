import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_VIEW_SETTINGS, PROTOCOL_VERSION, exactArrayBuffer, imageFromMessage, imageMessage, isHostToWebview,
  isPersistedState, isViewModel, isWebviewToHost, type ViewModel,
} from '../../src/shared/messages.ts';
import { sampleViewModel } from '../helpers/viewModel.ts';

test('image message survives structuredClone with an exact-size ArrayBuffer', () => {
  const img = new Float32Array(6 * 4).map((_, i) => i * 0.5 - 3);
  const msg = imageMessage({ id: 'TC-D1/reference', caseId: 'TC-D1', role: 'reference', fpixels: 6, spixels: 4 }, img);
  const back = structuredClone(msg);
  assert.ok(isHostToWebview(back));
  assert.ok(back.buffer instanceof ArrayBuffer);
  assert.equal(back.buffer.byteLength, 6 * 4 * 4);
  assert.deepEqual(Array.from(imageFromMessage(back)), Array.from(img));
});

test('exactArrayBuffer copies a pooled window and keeps an exact buffer as is', () => {
  const pool = new ArrayBuffer(64);
  const window = new Float32Array(pool, 8, 3);
  window.set([1, 2, 3]);
  const out = exactArrayBuffer(window);
  assert.equal(out.byteLength, 12);
  assert.deepEqual(Array.from(new Float32Array(out)), [1, 2, 3]);
  const own = new Float32Array([4, 5]);
  assert.equal(exactArrayBuffer(own), own.buffer);
  // A Node Buffer is a slice of a shared pool: its .buffer is larger than its bytes.
  const nodeBuf = Buffer.from([1, 2, 3, 4]);
  assert.equal(exactArrayBuffer(nodeBuf).byteLength, 4);
});

test('imageMessage refuses a size mismatch and imageFromMessage a truncated buffer', () => {
  assert.throws(() => imageMessage({ id: 'x', caseId: 'c', role: 'candidate', fpixels: 4, spixels: 4 }, new Float32Array(15)),
    /x \(c candidate\) has 15 pixels, expected 4×4 = 16/);
  assert.throws(() => imageFromMessage({ type: 'image', id: 'y', caseId: 'c', role: 'model', fpixels: 2, spixels: 2, buffer: new ArrayBuffer(12) }),
    /y has 12 bytes, expected 2×2×4 = 16/);
});

test('snapshot guard accepts a full view model and rejects a broken one', () => {
  const vm = sampleViewModel();
  assert.ok(isViewModel(vm));
  assert.ok(isHostToWebview(structuredClone({ type: 'snapshot', viewModel: vm })));
  const broken = structuredClone(vm) as unknown as { cases: Record<string, unknown>[] };
  delete broken.cases[0].verdict;
  assert.equal(isHostToWebview({ type: 'snapshot', viewModel: broken }), false);
  assert.equal(isHostToWebview({ type: 'nope' }), false);
  assert.equal(isHostToWebview(null), false);
  assert.equal(isHostToWebview({ type: 'image', id: 'a', caseId: 'b', role: 'diff', fpixels: 1, spixels: 1, buffer: new ArrayBuffer(4) }), false);
});

test('webview → host guards: ready, requests with ids, export bytes, errors', () => {
  const state = { version: PROTOCOL_VERSION, bundleDir: '/r/x', settings: DEFAULT_VIEW_SETTINGS };
  assert.ok(isPersistedState(state));
  assert.ok(isWebviewToHost({ type: 'ready', protocolVersion: PROTOCOL_VERSION, state }));
  assert.ok(isWebviewToHost({ type: 'ready', protocolVersion: PROTOCOL_VERSION }));
  assert.equal(isWebviewToHost({ type: 'ready', protocolVersion: 1, state: { version: 1, settings: { scale: 'cubic' } } }), false);
  assert.ok(isWebviewToHost(structuredClone({ type: 'exportPng', requestId: 3, caseId: 'TC-D1', suggestedName: 'a.png', buffer: new Uint8Array([137, 80]).buffer })));
  assert.equal(isWebviewToHost({ type: 'exportPng', requestId: 3, caseId: 'TC-D1', suggestedName: 'a.png', buffer: [137, 80] }), false);
  assert.equal(isWebviewToHost({ type: 'rerun', bundleDir: '/r/x' }), false, 'requests need a requestId');
  assert.ok(isWebviewToHost({ type: 'rerun', requestId: 1, bundleDir: '/r/x', caseIds: ['TC-D1'] }));
  assert.ok(isWebviewToHost({ type: 'recordAttempt', requestId: 2, bundleDir: '/r/x' }));
  assert.ok(isWebviewToHost({ type: 'copyMetricsMarkdown', requestId: 4 }));
  assert.equal(isWebviewToHost({ type: 'copyMetricsMarkdown', requestId: 4, markdown: 7 }), false);
  assert.ok(isWebviewToHost({ type: 'error', kind: 'csp', message: 'blocked script-src' }));
  const vm: ViewModel = sampleViewModel();
  assert.equal(vm.cases[0].images.length, 2);
});

// What the run commands answer their caller (src/extension/commands/runResult.ts): the outcome without pixels, since
// a palette caller gets it as JSON over the window's channel (63 MB for one 1024² case before: issue 15's first
// paint). And the first-paint breakdown line the results panel logs (src/extension/panel/firstPaint.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCommandResult } from '../../src/extension/commands/runResult.ts';
import { breakdown, PaintTimeline } from '../../src/extension/panel/firstPaint.ts';
import type { RunOutcome } from '../../src/extension/parityService.ts';
import type { Bundle, CaseResult } from '../../src/shared/types.ts';

function outcomeWithImages(n: number): RunOutcome {
  const side = (s: 'reference' | 'candidate') => ({ engine: 'embedded', side: s, image: new Float32Array(n * n).fill(1.5), fpixels: n, spixels: n, stdout: '', stderr: '', command: ['x'] });
  const c = { caseId: 'C1', reference: side('reference'), candidate: side('candidate'), verdict: { status: 'pass', reason: 'ok' } } as unknown as CaseResult;
  const bundle = { dir: '/tmp/b', stamp: 'S', layout: 'nb-parity/1', createdAt: 'now', workspace: '/tmp', cases: [c], attributions: { C1: { modelImage: new Float32Array(4) } } } as unknown as Bundle;
  return { bundle, cancelled: false, request: { folder: {}, cases: [], onProgress: () => undefined } as unknown as RunOutcome['request'] };
}

test('run command result: the bundle without image arrays, no request; small as JSON', () => {
  const o = outcomeWithImages(1024);
  assert.ok(JSON.stringify({ bundle: o.bundle }).length > 2e6, 'the full outcome is megabytes of JSON (Float32Array → {"0":…})');
  const r = runCommandResult(o)!;
  assert.equal(r.bundle?.dir, '/tmp/b');
  assert.equal(r.bundle?.cases[0]?.caseId, 'C1');
  assert.equal(r.bundle?.cases[0]?.reference.fpixels, 1024);
  assert.equal(r.bundle?.cases[0]?.reference.image, undefined);
  assert.deepEqual(r.bundle?.attributions, { C1: {} });
  assert.equal('request' in r, false);
  assert.ok(JSON.stringify(r).length < 2000, `${JSON.stringify(r).length} characters`);
  assert.equal(o.bundle?.cases[0]?.reference.image?.length, 1024 * 1024, 'the run keeps its own images');
  assert.equal(runCommandResult(undefined), undefined);
  assert.deepEqual(runCommandResult({ cancelled: true, error: 'stopped', request: o.request }), { bundle: undefined, cancelled: true, error: 'stopped' });
});

test('first-paint breakdown: host and webview steps in time order, relative to the completion', () => {
  const t = new PaintTimeline();
  t.mark('panelCreated', 900);
  t.set('ready', 950);
  t.set('ready', 1200);
  t.mark('panelCreated', 5000);
  t.completed('/b', 1000);
  t.newBundle('/b');
  assert.equal(t.completedAt, 1000);
  t.newBundle('/other');
  assert.equal(t.completedAt, undefined, 'a bundle the run did not note: complete.json is read instead');
  t.newBundle('/b');
  const line = breakdown(t.entries().filter(([k]) => k !== 'load'), { image: 1100, onScreen: 1300 }, 1000);
  assert.equal(line, 'host panelCreated -100, webview image +100, host ready +200, webview onScreen +300');
});

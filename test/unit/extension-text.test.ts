// Text the extension host shows: Test Explorer Markdown, status bar, CRLF output, webview HTML/CSP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CaseResult, EngineRun, Metrics } from '../../src/shared/types.ts';
import { bundleDirFromMarkdown, bundleStatus, caseResultMarkdown, fmtNum, mdCell, outcomeOf, toCrlf } from '../../src/extension/resultText.ts';
import { buildWebviewHtml, contentSecurityPolicy, makeNonce } from '../../src/extension/panel/html.ts';

function run(side: 'reference' | 'candidate', engine: EngineRun['engine'], extra: Partial<EngineRun> = {}): EngineRun {
  return { engine, side, fpixels: 4, spixels: 4, stdout: '', stderr: '', command: [engine], env: {}, cwd: '/tmp', wallMs: 1, ...extra };
}
const metrics: Metrics = {
  pixels: 16, correlation: 0.0612345678, sumRatio: 141.23456789, mse: 2.5e-7, rmse: 5e-4, maxAbsDiff: 0.0123, maxAbsDiffAt: [2, 3],
  sumReference: 1.5, sumCandidate: 211.8, meanReference: 0.09, meanCandidate: 13.2, nanReference: 0, nanCandidate: 0, infReference: 0,
  infCandidate: 0, finitePixels: 16, argmaxReference: 5, argmaxCandidate: 6, peakDistance: 1,
};
function result(status: 'pass' | 'fail' | 'error', extra: Partial<CaseResult> = {}): CaseResult {
  return {
    caseId: 'TC-D1', label: 'TC-D1', fileStem: 'tc_d1', flags: [], thresholds: { corrMin: 0.999, sumRatioTol: 1e-3 },
    reference: run('reference', 'c'), candidate: run('candidate', 'torch'), metrics,
    verdict: { status, reason: status === 'pass' ? 'within thresholds' : 'correlation 0.061235 < 0.999', failed: [] },
    mismatches: [{ field: 'nCells', reference: '1x1x1', candidate: '5x5x5', explanation: 'N cells 1×1×1 vs 5×5×5 (PyTorch CLI defaults N=5)', severity: 'critical' }],
    preflight: [{ code: 'no-N', message: 'no -N flag: C uses 1, PyTorch 5' }], files: {}, ...extra,
  };
}

test('verdict → Test Explorer outcome', () => {
  assert.equal(outcomeOf(result('pass')), 'passed');
  assert.equal(outcomeOf(result('fail')), 'failed');
  assert.equal(outcomeOf(result('error')), 'errored');
});

test('Markdown message: table with 6-decimal corr/sum ratio, badges, mismatches, bundle path round-trips', () => {
  const md = caseResultMarkdown(result('fail'), '/ws/reports/x/phase_e/20251128T010203Z');
  assert.match(md, /\| correlation \| 0\.061235 \| ≥ 0\.999 \| ❌ \|/);
  assert.match(md, /\| sum ratio \(cand\/ref\) \| 141\.234568 \| \\\|r − 1\\\| ≤ 0\.001 \| ❌ \|/);
  assert.match(md, /max abs diff \| 0\.0123 at \(2, 3\)/);
  assert.match(md, /🔴 N cells 1×1×1 vs 5×5×5/);
  assert.match(md, /no -N flag/);
  assert.match(md, /❌ FAIL/);
  assert.equal(bundleDirFromMarkdown(md), '/ws/reports/x/phase_e/20251128T010203Z');
  const ok = caseResultMarkdown(result('pass', { metrics: { ...metrics, correlation: 0.99999, sumRatio: 1.0002 } }));
  assert.match(ok, /\| correlation \| 0\.999990 \| ≥ 0\.999 \| ✅ \|/);
  assert.match(ok, /\| 1\.000200 \| \\\|r − 1\\\| ≤ 0\.001 \| ✅ \|/);
  assert.equal(bundleDirFromMarkdown(ok), undefined);
});

test('Markdown message tells two embedded sides apart by their presets', () => {
  const emb = (side: 'reference' | 'candidate', preset: string) => run(side, 'embedded', { effectiveConfig: { embedded: { version: '1', preset, forks: {} } } });
  const md = caseResultMarkdown(result('fail', { reference: emb('reference', 'c'), candidate: emb('candidate', 'pytorch') }));
  assert.match(md, /reference: `embedded \(preset c\)` · candidate: `embedded \(preset pytorch\)`/);
  assert.match(caseResultMarkdown(result('fail')), /reference: `c` · candidate: `torch`/);
});

test('Markdown message for an error without metrics names the failing side', () => {
  const r = result('error', { metrics: undefined, candidate: run('candidate', 'torch', { error: 'python exited 1: ModuleNotFoundError nanobrag_torch' }) });
  const md = caseResultMarkdown(r);
  assert.doesNotMatch(md, /\| metric \|/);
  assert.match(md, /\*\*candidate \(torch\)\*\*: python exited 1: ModuleNotFoundError nanobrag\\_torch/);
  assert.match(md, /⚠️ ERROR/);
});

test('table cells escape pipes and newlines', () => {
  assert.equal(mdCell('a|b\nc'), 'a\\|b c');
});

test('number formatting', () => {
  assert.equal(fmtNum(null), '—');
  assert.equal(fmtNum(0), '0');
  assert.equal(fmtNum(0.0123456), '0.01235');
  assert.equal(fmtNum(2.5e-7), '2.500e-7');
  assert.equal(fmtNum(Infinity), '∞');
});

test('status bar text: pass count, worst status, first failing case', () => {
  const b = { stamp: '20251128T010203Z', dir: '/ws/r', cases: [result('fail'), { ...result('pass'), caseId: 'TC-D3' }] };
  const s = bundleStatus(b);
  assert.equal(s.status, 'fail');
  assert.equal(s.text, '$(error) Parity 1/2 · TC-D1 corr 0.061235');
  assert.match(s.tooltip, /TC-D3: PASS/);
  assert.equal(bundleStatus({ ...b, cases: [result('pass')] }).text, '$(pass) Parity 1/1');
  assert.equal(bundleStatus({ ...b, cases: [result('error'), result('pass')] }).status, 'error');
  assert.equal(bundleStatus({ ...b, cases: [] }).status, 'error');
});

test('terminal output gets CRLF, and existing CRLF is not doubled', () => {
  assert.equal(toCrlf('a\nb\r\nc\n'), 'a\r\nb\r\nc\r\n');
});

test('webview HTML: strict CSP with nonce, no unsafe-eval, script carries the nonce', () => {
  const nonce = makeNonce();
  assert.match(nonce, /^[A-Za-z0-9]{20,}$/);
  assert.notEqual(nonce, makeNonce());
  const csp = contentSecurityPolicy('https://x.vscode-cdn.net', nonce);
  assert.match(csp, /^default-src 'none'; /);
  assert.match(csp, /img-src https:\/\/x\.vscode-cdn\.net blob: data:/);
  assert.match(csp, new RegExp(`script-src 'nonce-${nonce}'`));
  assert.match(csp, /style-src https:\/\/x\.vscode-cdn\.net 'unsafe-inline'/);
  assert.doesNotMatch(csp, /unsafe-eval/);
  const html = buildWebviewHtml({ cspSource: 'https://x.vscode-cdn.net', nonce, scriptUri: 'https://x/dist/webview.js', styleUri: 'https://x/media/webview/styles.css', title: 'nanoBragg Parity — 20251128T010203Z' });
  assert.match(html, new RegExp(`<script nonce="${nonce}" src="https://x/dist/webview.js"></script>`));
  assert.match(html, /<link rel="stylesheet" href="https:\/\/x\/media\/webview\/styles.css">/);
  assert.equal((html.match(/<script/g) ?? []).length, 1, 'exactly one script, the nonce one');
  assert.match(html, /<title>nanoBragg Parity — 20251128T010203Z<\/title>/);
});

test('log lines: copy-pasteable command with env, status, stdout (truncated with a pointer) and stderr', async () => {
  const { commandLine, runLogLines, shQuote } = await import('../../src/extension/resultText.ts');
  assert.equal(shQuote('a b'), "'a b'");
  assert.equal(shQuote("it's"), `'it'\\''s'`);
  assert.equal(shQuote('/x/y-1.bin'), '/x/y-1.bin');
  const r = run('candidate', 'torch', {
    command: ['python3', '-m', 'nanobrag_torch', '-floatfile', '/tmp/my dir/py.bin'], env: { KMP_DUPLICATE_LIB_OK: 'TRUE', PYTHONPATH: '/ws/src' },
    cwd: '/tmp/scr', exitCode: 1, stdout: 'a\nb\nc\n', stderr: 'Traceback\nValueError: x\n', wallMs: 1530, error: 'python exited 1',
  });
  assert.equal(commandLine(r), "cd /tmp/scr && KMP_DUPLICATE_LIB_OK=TRUE PYTHONPATH=/ws/src python3 -m nanobrag_torch -floatfile '/tmp/my dir/py.bin'");
  const lines = runLogLines('TC-D1', r, 2, '/b/py_stdout_tc_d1.log');
  assert.deepEqual(lines, [
    "[TC-D1 candidate · torch] $ cd /tmp/scr && KMP_DUPLICATE_LIB_OK=TRUE PYTHONPATH=/ws/src python3 -m nanobrag_torch -floatfile '/tmp/my dir/py.bin'",
    '[TC-D1 candidate · torch] exit 1 in 1.53 s — python exited 1',
    '[TC-D1 candidate · torch] stdout: a',
    '[TC-D1 candidate · torch] stdout: b',
    '[TC-D1 candidate · torch] stdout: … 1 more line(s) in /b/py_stdout_tc_d1.log',
    '[TC-D1 candidate · torch] stderr: Traceback',
    '[TC-D1 candidate · torch] stderr: ValueError: x',
  ]);
  assert.match(runLogLines('X', run('reference', 'c', { cancelled: true }))[1]!, /cancelled/);
});

test('bundleAge: how old a bundle stamp is, in the unit a person reads', async () => {
  const { bundleAge } = await import('../../src/extension/resultText.ts');
  const now = new Date(Date.UTC(2025, 10, 28, 12, 0, 0));
  assert.equal(bundleAge('20251128T115930Z', now), 'just now');
  assert.equal(bundleAge('20251128T113000Z', now), '30 min');
  assert.equal(bundleAge('20251128T090000Z', now), '3 h');
  assert.equal(bundleAge('20251125T120000Z', now), '3 days');
  assert.equal(bundleAge('not-a-stamp', now), undefined);
});

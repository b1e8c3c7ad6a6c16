// The run reports (src/core/report): matrix rows and their change against a previous run, JUnit XML (parsed with a
// real XML parser, xml2js in strict mode, from node_modules), JSON lines; and the CLI's live progress line
// (src/cli/report/progress.ts) against a fake terminal stream.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import type { Bundle, CaseResult, EngineRun, Metrics, VerdictStatus } from '../../src/shared/types.ts';
import { judge } from '../../src/core/metrics/verdict.ts';
import { matrixMarkdown, matrixQuery, matrixRow, splitCaseId } from '../../src/core/report/matrix.ts';
import { junitCounts, junitXml, xmlAttr, xmlText } from '../../src/core/report/junit.ts';
import { runLine, summaryLine } from '../../src/core/report/jsonl.ts';
import { formatDuration, RunProgress } from '../../src/cli/report/progress.ts';
import { matrixTable, TERMINAL_TEXT_WIDTH } from '../../src/cli/report/matrixTable.ts';

// xml2js ships no types; only parseStringPromise is used.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- xml2js's untyped element tree, walked by the assertions
type Xml = any;
const { parseStringPromise } = createRequire(import.meta.url)('xml2js') as { parseStringPromise: (xml: string, opts?: object) => Promise<Xml> };

const side = (s: 'reference' | 'candidate', extra: Partial<EngineRun> = {}): EngineRun =>
  ({ engine: 'embedded', side: s, fpixels: 2, spixels: 2, stdout: '', stderr: '', command: ['x'], env: {}, cwd: '', wallMs: 1200, image: new Float32Array(4), ...extra });

function metrics(correlation: number, sumRatio: number, maxAbsDiff = 0.5): Metrics {
  return {
    pixels: 4, correlation, sumRatio, maxAbsDiff, rmse: 0.1, mse: 0.01, maxAbsDiffAt: null, sumReference: 4, sumCandidate: 4 * sumRatio,
    meanReference: 1, meanCandidate: sumRatio, nanReference: 0, nanCandidate: 0, infReference: 0, infCandidate: 0, finitePixels: 4,
    argmaxReference: 0, argmaxCandidate: 0, peakDistance: 0,
  };
}

const TH = { corrMin: 0.999, sumRatioTol: 1e-3 };

function result(id: string, m?: Metrics, status?: VerdictStatus, extra: Partial<CaseResult> = {}): CaseResult {
  const reference = side('reference'), candidate = side('candidate');
  const verdict = status === 'error' ? { status: 'error' as const, reason: 'candidate crashed: exit 3 <stderr & "quotes">', failed: [] } : judge({ metrics: m, thresholds: TH, reference, candidate });
  return { caseId: id, label: id, fileStem: id.toLowerCase().replace(/\W/g, '_'), flags: [], thresholds: TH, reference, candidate, metrics: m, verdict, mismatches: [], preflight: [], files: {}, ...extra };
}

const prev = (r: CaseResult) => ({ dir: '/b/old', stamp: '20260101T000000Z', result: r });

test('matrix rows: YAML id split, failing threshold text, newly failing / newly passing / moved / unchanged / first run', () => {
  assert.deepEqual(splitCaseId('AT-PARALLEL-022/run-a'), { group: 'AT-PARALLEL-022', run: 'run-a' });
  assert.deepEqual(splitCaseId('TC-D1'), { group: 'TC-D1', run: '' });
  const good = result('A/x', metrics(0.99999, 1.0001));
  const bad = result('A/x', metrics(0.98, 1.0001));
  assert.equal(bad.verdict.status, 'fail');
  const first = matrixRow(good);
  assert.equal(first.change, 'first run');
  assert.equal(first.failing, '');
  const nf = matrixRow(bad, prev(good));
  assert.equal(nf.change, 'newly failing');
  assert.match(nf.failing, /^correlation ≥ 0\.999 \(short by/);
  assert.equal(nf.previous?.status, 'pass');
  assert.equal(matrixRow(good, prev(bad)).change, 'newly passing');
  assert.equal(matrixRow(result('A/x', undefined, 'error'), prev(good)).change, 'newly failing', 'pass → error is newly failing too');
  // Same verdict, correlation gap 1e-5 → 5e-4: far more than 1e-3 of the threshold's size → moved (worse).
  assert.equal(matrixRow(result('A/x', metrics(0.9995, 1.0001)), prev(good)).change, 'worse');
  assert.equal(matrixRow(good, prev(result('A/x', metrics(0.9995, 1.0001)))).change, 'better');
  assert.equal(matrixRow(good, prev(result('A/x', metrics(0.99999, 1.0001)))).change, 'unchanged');
  // A cancelled run is not compared (it would read as "newly failing"), and never serves as a previous run.
  const cancelledNow = result('A/x', undefined, 'error', { candidate: { ...side('candidate'), cancelled: true } });
  assert.equal(matrixRow(cancelledNow, prev(good)).change, 'cancelled');
  assert.equal(matrixQuery('embedded', 'embedded').accept!(cancelledNow), false);
  assert.equal(matrixQuery('embedded', 'embedded').accept!(good), true);
  assert.equal(matrixQuery('c', 'embedded').accept!(good), false, 'other engines');
  assert.match(matrixMarkdown({ stamp: 'S' }, [matrixRow(cancelledNow, prev(good))]), /0 newly failing.*, 1 cancelled \(not compared\)\./);
  const md = matrixMarkdown({ stamp: 'S' }, [nf, matrixRow(good), matrixRow(result('B', metrics(1, 1)), prev(result('B', metrics(1, 1))))]);
  assert.match(md, /^# Parity matrix S\n/);
  assert.match(md, /3 runs: 2 pass, 1 fail, 0 error\. .*1 newly failing, 0 newly passing, 0 moved .*1 unchanged, 1 without an earlier run/);
  assert.match(md, /\| A \| x \| FAIL \| 0\.980000 \| 1\.000100 \| 0\.500000 \| correlation ≥ 0\.999 \(short by [^|]+\) \| newly failing \| 20260101T000000Z \(pass\) \|/);
  assert.match(md, /\| B \| — \| PASS \|/);
});

function bundleOf(cases: CaseResult[]): Bundle {
  return { dir: '/ws/reports/i/p/S & <x>', stamp: '20261202T000000Z', layout: 'nb-parity/1', createdAt: '2026-12-02T00:00:00.000Z', workspace: '/ws', cases, wallMs: 4321 };
}

test('JUnit XML: parses strictly, one testcase per run with classname/name, failure/error/skipped, counts, escaping', async () => {
  assert.equal(xmlText('a<b>&c\u0000'), 'a&lt;b&gt;&amp;c\uFFFD');
  assert.equal(xmlAttr('"x"\n\'y\''), '&quot;x&quot;&#10;&apos;y&apos;');
  const cancelled = result('C/stop', undefined, 'error', { candidate: side('candidate', { cancelled: true }) });
  const b = bundleOf([
    result('AT-PARALLEL-022/run-a', metrics(0.99999, 1.0001)),
    result('AT-PARALLEL-022/run-b', metrics(0.5, 2)),
    result('TC-D1', undefined, 'error'),
    cancelled,
  ]);
  const xml = junitXml(b, { reference: 'c', candidate: 'torch' });
  const doc = await parseStringPromise(xml, { strict: true });
  const suites = doc.testsuites;
  assert.deepEqual({ ...suites.$, time: undefined }, { name: 'nb-parity', tests: '4', failures: '1', errors: '1', skipped: '1', time: undefined });
  assert.deepEqual(junitCounts(b), { tests: 4, failures: 1, errors: 1, skipped: 1 });
  const suite = suites.testsuite[0];
  assert.equal(suite.$.time, '4.321');
  const props = Object.fromEntries(suite.properties[0].property.map((p: Xml) => [p.$.name, p.$.value]));
  assert.equal(props.bundle, '/ws/reports/i/p/S & <x>', 'attribute escaping round-trips');
  assert.equal(props.candidate, 'torch');
  const tcs = suite.testcase;
  assert.deepEqual(tcs.map((t: Xml) => [t.$.classname, t.$.name]), [['AT-PARALLEL-022', 'run-a'], ['AT-PARALLEL-022', 'run-b'], ['TC-D1', 'TC-D1'], ['C', 'stop']]);
  assert.equal(tcs[0].failure, undefined);
  assert.equal(tcs[1].failure[0].$.message, b.cases[1].verdict.reason);
  assert.match(tcs[1].failure[0]._, /correlation ≥ 0\.999 \(short by/);
  assert.equal(tcs[2].error[0].$.message, 'candidate crashed: exit 3 <stderr & "quotes">');
  assert.ok(tcs[3].skipped, 'a cancelled run is skipped, not an error');
  assert.match(tcs[1]['system-out'][0], /correlation: 0\.500000\nsum_ratio: 2\.000000\nmax_abs_diff: 0\.500000/);
  assert.equal(tcs[1].$.time, '1.200');
});

test('JSON lines: one object per line, run fields and a summary with counts and changes', () => {
  const a = result('A/x', metrics(0.98, 1.0));
  const line = runLine(a, { index: 3, total: 9, done: 2, bundleDir: '/b' });
  assert.ok(!line.includes('\n'));
  const j = JSON.parse(line);
  assert.equal(j.type, 'run');
  assert.equal(j.case_id, 'A/x'); assert.equal(j.case, 'A'); assert.equal(j.run, 'x');
  assert.equal(j.verdict, 'fail'); assert.equal(j.index, 3); assert.equal(j.done, 2); assert.equal(j.total, 9);
  assert.equal(j.metrics.correlation, 0.98);
  assert.equal(j.failed[0].metric, 'correlation');
  assert.equal(j.candidate.wall_ms, 1200);
  const b = bundleOf([a, result('B', metrics(1, 1))]);
  b.matrix = [matrixRow(a, prev(result('A/x', metrics(1, 1)))), matrixRow(b.cases[1])];
  const s = JSON.parse(summaryLine(b, { exitCode: 1, cancelled: false }));
  assert.equal(s.type, 'summary');
  assert.deepEqual([s.total, s.pass, s.fail, s.error, s.exit_code], [2, 1, 1, 0, 1]);
  assert.deepEqual(s.newly_failing, ['A/x']);
  assert.equal(s.changes.first_run, 1);
  assert.match(s.matrix, /matrix\.md$/);
});

/** A fake terminal: records writes; `screen()` replays \r and clear-line like a terminal would. */
function fakeTty(isTTY: boolean) {
  const writes: string[] = [];
  return {
    isTTY, columns: 200, writes, write(s: string) { writes.push(s); return true; },
    screen(): string[] {
      const lines: string[] = [''];
      for (const ch of writes.join('').replace(/\x1b\[2K/g, '\u0001')) {
        if (ch === '\r') continue;
        if (ch === '\u0001') lines[lines.length - 1] = '';
        else if (ch === '\n') lines.push('');
        else lines[lines.length - 1] += ch;
      }
      return lines;
    },
  };
}

test('progress on a TTY: one live line rewritten in place with done/total, counts and ETA; failures printed above it', () => {
  assert.equal(formatDuration(65_000), '1:05');
  assert.equal(formatDuration(3_725_000), '1:02:05');
  let t = 0;
  const tty = fakeTty(true);
  const p = new RunProgress(tty, 4, { now: () => t, tickMs: 0 });
  p.onLog('engine: embedded');
  p.onProgress({ caseId: 'A/x', side: 'reference', fraction: 0, message: 'A/x: reference (embedded) started' });
  assert.deepEqual(tty.screen(), ['  engine: embedded', '[0/4] 0 pass, 0 fail, 0 error · 0:00 elapsed, ETA – · running A/x']);
  t = 10_000;
  p.onCaseDone(result('A/x', metrics(1, 1)));
  t = 20_000;
  p.onCaseDone(result('B', metrics(0.5, 1)));
  const screen = tty.screen();
  assert.equal(screen.length, 3, screen.join('\n'));
  assert.match(screen[1], /^ {2}✗ B: fail — correlation 0\.5/);
  // 2 of 4 done in 20 s → 20 s to go.
  assert.equal(screen[2], '[2/4] 1 pass, 1 fail, 0 error · 0:20 elapsed, ETA 0:20');
  assert.ok(tty.writes.every((w) => !w.includes('\n') || w.startsWith('\r\x1b[2K')), 'every line starts by clearing the live line');
  p.stop();
  assert.deepEqual(tty.screen().at(-1), '', 'stop() clears the live line');
  const before = tty.writes.length;
  p.onProgress({ caseId: 'C', side: 'candidate', fraction: 0, message: 'C started' });
  assert.equal(tty.writes.length, before, 'nothing is drawn after stop()');
});

test('progress off a TTY: today\'s plain lines (percent ticks dropped); --quiet writes nothing', () => {
  const pipe = fakeTty(false);
  const p = new RunProgress(pipe, 2, { tickMs: 0 });
  p.onProgress({ caseId: 'A', side: 'reference', fraction: 0, message: 'A: reference (c) started' });
  p.onProgress({ caseId: 'A', side: 'reference', fraction: 0.5, message: 'A reference 50%' });
  p.onCaseDone(result('A', metrics(1, 1)));
  p.onLog('bundle at /x');
  p.stop();
  assert.deepEqual(pipe.writes, ['  A: reference (c) started\n', '  bundle at /x\n']);
  const quiet = fakeTty(true);
  const q = new RunProgress(quiet, 2, { quiet: true, tickMs: 0 });
  q.onLog('x'); q.onProgress({ message: 'y' }); q.onCaseDone(result('A', metrics(1, 1))); q.stop();
  assert.deepEqual(quiet.writes, []);
});

test('terminal table: long reasons are clipped on a terminal width, kept whole for piped output', () => {
  const long = result('A/x', undefined, 'error', { verdict: { status: 'error', reason: `candidate crashed: ${'IndentationError: expected an indented block '.repeat(3)}`, failed: [] } });
  const piped = matrixTable([matrixRow(long)]);
  assert.ok(piped.includes(long.verdict.reason), 'whole reason when piped');
  const tty = matrixTable([matrixRow(long)], TERMINAL_TEXT_WIDTH);
  assert.ok(!tty.includes(long.verdict.reason));
  assert.match(tty, /error: candidate crashed: IndentationError[^\n]*…/);
});

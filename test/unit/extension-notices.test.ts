// Text of the run's result notice (command links, since a progress notification has no buttons) and of the results
// panel's confirmations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commandLink, copiedText, exportedFilesText, exportedText, NOTICE_DISMISS, NOTICE_RUN, noticeLinks, noticeMessage, runSummary } from '../../src/extension/noticeText.ts';

/** The arguments a command link carries, decoded as VS Code's command opener does (URI query → JSON). */
function linkArgs(link: string): unknown {
  const m = /\(command:[\w.]+\?([^)]*)\)$/.exec(link);
  assert.ok(m, `no argument query in ${link}`);
  return JSON.parse(decodeURIComponent(m[1]!));
}

test('a command link round-trips its arguments, including paths with spaces, parentheses and #', () => {
  const dir = '/work/my ws (copy)/reports/#1/20251128T010203Z';
  const link = commandLink({ label: 'Open parity results', command: 'nbParity.openResults', args: [dir] });
  assert.match(link, /^\[Open parity results\]\(command:nbParity\.openResults\?/);
  // A raw ")" or space would end or break the Markdown link; both must be encoded.
  assert.ok(!/[ ()]/.test(link.slice(link.indexOf('?'), -1)), link);
  assert.deepEqual(linkArgs(link), [dir]);
});

test('a command link without arguments has no query; brackets in a label are dropped', () => {
  assert.equal(commandLink({ label: 'Show log', command: 'nbParity.showLog' }), '[Show log](command:nbParity.showLog)');
  assert.equal(commandLink({ label: 'Pick [C] binary…', command: 'x.y' }), '[Pick C binary…](command:x.y)');
});

test('the notice puts the actions right after the headline, then the flattened detail', () => {
  const msg = noticeMessage('Parity: 1/2 passed', [{ label: 'A', command: 'a' }, { label: 'B', command: 'b' }], 'TC-D1 fail:\n  corr 0.06 < 0.999');
  assert.equal(msg, 'Parity: 1/2 passed — [A](command:a) · [B](command:b) — TC-D1 fail: corr 0.06 < 0.999');
  assert.equal(noticeMessage('Parity run cancelled.', []), 'Parity run cancelled.');
});

test('the notice links each action through its own command (so a click closes it) and ends with Dismiss', () => {
  const links = noticeLinks([{ label: 'Open parity results', command: 'nbParity.openResults', args: ['/b'] }, { label: 'Show log', command: 'nbParity.showLog' }]);
  assert.deepEqual(links, [
    { label: 'Open parity results', command: NOTICE_RUN, args: ['nbParity.openResults', '/b'] },
    { label: 'Show log', command: NOTICE_RUN, args: ['nbParity.showLog'] },
    { label: 'Dismiss', command: NOTICE_DISMISS },
  ]);
  assert.deepEqual(linkArgs(commandLink(links[0]!)), ['nbParity.openResults', '/b']);
});

const verdict = (status: 'pass' | 'fail' | 'error', reason: string) => ({ status, reason, failed: [] });

test('run summary: all passed, or the count and each failing case with its reason', () => {
  const pass = runSummary({ stamp: 'S', cases: [{ caseId: 'TC-D1', verdict: verdict('pass', 'ok') }] as never });
  assert.deepEqual(pass, { headline: 'Parity: all 1 passed', detail: 'bundle S', failed: 0 });
  const mixed = runSummary({ stamp: 'S', cases: [
    { caseId: 'TC-D1', verdict: verdict('fail', 'correlation 0.064229 < 0.999') },
    { caseId: 'TC-D3', verdict: verdict('pass', 'ok') },
    { caseId: 'X', verdict: verdict('error', 'torch is not installed in /usr/bin/python3') },
  ] as never });
  assert.equal(mixed.headline, 'Parity 1/3 passed');
  assert.equal(mixed.failed, 2);
  assert.equal(mixed.detail, 'TC-D1 fail: correlation 0.064229 < 0.999; X error: torch is not installed in /usr/bin/python3; bundle S');
});

test('confirmation texts: what was copied, where the PNG and data files went', () => {
  assert.match(copiedText(2), /^Metrics of 2 cases copied to the clipboard as a Markdown table/);
  assert.match(copiedText(1), /^Metrics of 1 case copied/);
  assert.match(copiedText(undefined), /^Metrics copied/);
  assert.equal(exportedText('exported.png', 300_000), 'Exported PNG (293 KB): exported.png');
  assert.equal(exportedText('/tmp/a.png', 3 * 1024 * 1024), 'Exported PNG (3.0 MB): /tmp/a.png');
  assert.equal(exportedText('a.png', 10), 'Exported PNG (1 KB): a.png');
  assert.equal(exportedFilesText('out', ['/w/out/a.npy', 'C:\\w\\out\\b.csv']), 'Exported 2 files to out (a.npy, b.csv).');
  assert.equal(exportedFilesText('out', ['1', '2', '3', '4', '5']), 'Exported 5 files to out (1, 2, 3 +2 more).');
});

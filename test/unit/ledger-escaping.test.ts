// issue 12 item 2: text from cases, logs and stdout cannot restructure markdown or commands.txt. A case id from a
// case file built before ids were validated (or a mismatch value copied from stdout) carries a newline, `|`,
// backticks or HTML; each must land on its own line, inside its own cell, shown as text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commandsText, summaryMarkdown } from '../../src/core/evidence/index.ts';
import { composeEntry, parseLedger, planRecord } from '../../src/core/ledger/index.ts';
import type { Bundle, CaseResult, EngineRun } from '../../src/shared/types.ts';
import { LEDGERS, PASS_INPUT, readFixture } from '../helpers/ledger.ts';

const EVIL = 'X\n## [EVIL-001] injected\n- Next Actions: rm -rf | `whoami` <img src=x onerror=alert(1)>';

const run = (side: 'reference' | 'candidate'): EngineRun => ({
  engine: side === 'reference' ? 'c' : 'torch', side, fpixels: 8, spixels: 8, stdout: '', stderr: '', command: ['nanoBragg', '-N', '1'],
  env: {}, cwd: '/w', wallMs: 10, exitCode: 0, error: 'Traceback\nValueError: bad | `x`',
});

function evilCase(): CaseResult {
  return {
    caseId: EVIL, label: EVIL, fileStem: 'evil', flags: [], thresholds: { corrMin: 0.9 },
    reference: run('reference'), candidate: run('candidate'),
    metrics: undefined, verdict: { status: 'error', reason: 'stdout said:\n| a | b |', failed: [] },
    mismatches: [{ field: 'nCells', reference: '5\n# x', candidate: '1|2', explanation: '<b>bold</b>', severity: 'critical' }],
    preflight: [], files: {},
  } as unknown as CaseResult;
}

test('summary.md: a case id with newline, |, backticks and HTML stays in one table row and one heading', () => {
  const b = { dir: '/b', stamp: '20251112T101500Z', layout: 'nb-parity/1', createdAt: '', cases: [evilCase()] } as Bundle;
  const md = summaryMarkdown(b, { reference: 'c', candidate: 'torch' });
  const lines = md.split('\n');
  const row = lines.filter((l) => l.startsWith('| X'));
  assert.equal(row.length, 1, md);
  // 6 columns → 7 unescaped pipes, whatever the id holds.
  assert.equal(row[0]!.replace(/\\\|/g, '').split('|').length - 1, 7, row[0]);
  assert.ok(!lines.some((l) => l.startsWith('## [EVIL-001]')), 'the id started a heading');
  assert.ok(!lines.some((l) => l.startsWith('- Next Actions')), 'the id started a list item');
  assert.ok(!/<img|<b>/.test(md), 'raw HTML reached summary.md');
  assert.ok(!/`whoami`/.test(md), 'an unescaped code span reached summary.md');
  assert.ok(!lines.includes('| a | b |'), 'a reason from stdout made a table row');
  assert.ok(!lines.some((l) => l.startsWith('ValueError')), 'a run error split the run line');
});

test('commands.txt: a case id with a newline stays inside its # comment', () => {
  const text = commandsText([`case ${EVIL}`], [{ caseId: EVIL, side: 'reference', run: run('reference') }]);
  for (const line of text.split('\n')) {
    assert.ok(line === '' || line.startsWith('#') || line === '(' || line === ')' || line.startsWith('  '), `a line escaped its comment: ${JSON.stringify(line)}`);
  }
  assert.match(text, /# \[X\\n## \[EVIL-001\] injected\\n- Next Actions/);
});

test('attempt lines: an id with a newline or | does not add a heading or re-parent the next item', () => {
  const input = { ...PASS_INPUT, engines: 'torch\nvs c', cases: [{ ...PASS_INPUT.cases[0]!, caseId: EVIL }], mismatches: ['nCells 5\n1 vs `1`'] };
  const entry = composeEntry(input, 3);
  assert.equal(entry.length, 3, entry.join('\n'));
  assert.ok(entry.every((l) => !/[\n\r]/.test(l)));
  assert.ok(!entry.join('\n').includes('<img'), 'raw HTML in the entry');
  const { text } = readFixture(LEDGERS, '01-template.md');
  const before = parseLedger(text);
  const item = before.sections[0]!.id;
  const plan = planRecord(text, { itemId: item, input });
  const after = parseLedger(plan.newText);
  assert.deepEqual(after.sections.map((s) => s.id), before.sections.map((s) => s.id), 'the ledger gained or lost an item');
});

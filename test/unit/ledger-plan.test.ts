// Plan phase-row flips (test/fixtures/plans): only `### Phase X`, only the State cell (+ guidance prefix),
// [D]/[X] left alone, a missing phase or row refused, every other byte identical.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { flipPlanRows, LedgerError, splitLines } from '../../src/core/ledger/index.ts';
import { PLANS, readFixture } from '../helpers/ledger.ts';

const P = '✅ Attempt #41 (20251112T101500Z)';
const req = (rows: string[], phase = 'E') => ({ phase, rows, attemptNumber: 41, stamp: '20251112T101500Z', planName: 'plan.md' });

/** Lines that differ between two texts (same line count expected), with terminators compared too. */
function changedLines(a: string, b: string): number[] {
  const A = splitLines(a);
  const B = splitLines(b);
  assert.equal(B.length, A.length, 'line count changed');
  return A.map((l, i) => (l.text !== B[i]!.text || l.eol !== B[i]!.eol ? i : -1)).filter((i) => i >= 0);
}

describe('plan row flips', () => {
  it('has at least 4 plans', () => assert.ok(readdirSync(PLANS).filter((f) => f.endsWith('.md')).length >= 4));

  it('refuses a phase the plan does not have, naming the phases it found', () => {
    const { text } = readFixture(PLANS, '01-phases-a-to-d.md');
    assert.throws(() => flipPlanRows(text, req(['E1', 'E2'])), (e: unknown) => {
      assert.ok(e instanceof LedgerError && e.code === 'no-phase');
      assert.match(e.message, /no "### Phase E" section \(phases found: A, D\); nothing was flipped/);
      return true;
    });
  });

  it('flips only the State cell inside Phase E; bare pipes, unclosed rows, empty guidance survive', () => {
    const { text } = readFixture(PLANS, '02-phase-e-messy.md');
    const f = flipPlanRows(text, req(['E1', 'E2', 'E3', 'E10', 'E0a']));
    const lines = splitLines(f.newText);
    const orig = splitLines(text);
    assert.deepEqual(f.rows.map((r) => `${r.id}:${r.action}`), ['E1:left-alone', 'E2:flipped', 'E3:flipped', 'E10:flipped', 'E0a:flipped']);
    assert.equal(lines[16]!.text, `| E2 | Capture TC-D3 parity | [D] | ${P} — Use the authoritative command \`cmd | tee log\` with a bare | pipe inside |`);
    assert.equal(lines[17]!.text, `| E3 | Record metrics in fix_plan | [D] | ${P} — started — pipe-less row`);
    assert.equal(lines[18]!.text, `| E10 | Unblock vectorization | [D] | ${P} |`);
    assert.equal(lines[19]!.text, `| E0a | Sanity collect-only | [D] | ${P} — blocked: pytest collection\u00a0fails  |`);
    assert.deepEqual(changedLines(text, f.newText), [16, 17, 18, 19]);
    // The stray E2 row under Phase F is untouched.
    assert.equal(lines[24]!.text, orig[24]!.text);
    assert.match(lines[24]!.text, /^\| E2 \| \(copy-paste stray row/);
  });

  it('refuses an unknown row id and writes nothing', () => {
    const { text } = readFixture(PLANS, '02-phase-e-messy.md');
    assert.throws(() => flipPlanRows(text, req(['E2', 'E4'])), /has no row E4; nothing was flipped/);
  });

  it('CRLF plan, State in the second column: guidance found from the header, [x]/[X] left alone', () => {
    const { text } = readFixture(PLANS, '03-crlf-state-column.md');
    const f = flipPlanRows(text, req(['E1.1', 'E1.2', 'E2', 'E3']));
    assert.deepEqual(f.rows.map((r) => `${r.id}:${r.action}:${r.before}`), ['E1.1:left-alone:[x]', 'E1.2:flipped:[ ]', 'E2:left-alone:[X]', 'E3:flipped:[SKIP]']);
    const lines = splitLines(f.newText);
    assert.equal(lines[6]!.text, `| E1.2 | [D] | Capture profiler trace | ${P} — run \`py-spy\` — then compare |`);
    assert.equal(lines[6]!.eol, '\r\n');
    assert.deepEqual(changedLines(text, f.newText), [6, 8]);
  });

  it('adds a guidance cell to an unclosed last row of a file without a final newline', () => {
    const { text } = readFixture(PLANS, '04-no-final-newline.md');
    const f = flipPlanRows(text, req(['E1', 'E2']));
    assert.ok(f.newText.endsWith(`| E2 | Close the item | [D] | ${P}`));
    assert.ok(f.newText.includes(`| E1 | Rerun TC-G1 | [D] | ${P} — waiting for bundle |\n`));
    assert.deepEqual(changedLines(text, f.newText), [5, 6]);
  });

  it('matches "### Phase E" exactly: not "## Phase E notes", not "### Phase EX"; level-4 headings stay inside', () => {
    const { text } = readFixture(PLANS, '05-phase-heading-variants.md');
    const f = flipPlanRows(text, req(['E1', 'E2']));
    const lines = splitLines(f.newText);
    assert.deepEqual(changedLines(text, f.newText), [10, 12]);
    assert.equal(lines[10]!.text, `| E1 | right place | [D] | ${P} — guidance here   |`);
    assert.equal(f.phaseHeading, 'Phase E');
  });

  it('is idempotent on rows already [D]', () => {
    const { text } = readFixture(PLANS, '02-phase-e-messy.md');
    const once = flipPlanRows(text, req(['E2'])).newText;
    const twice = flipPlanRows(once, req(['E2']));
    assert.equal(twice.edits.length, 0);
    assert.equal(twice.newText, once);
  });
});

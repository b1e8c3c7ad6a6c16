// Attempt-number collisions: a number the item already used outside its live section (moved under Completed, in a
// heading elsewhere) is never proposed again; the warning says where it is. Other items' numbers do not count.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { attemptMentions, checkAttemptNumber, parseLedger, planRecord, resolveItem } from '../../src/core/ledger/index.ts';

const LEDGER = [
  '# Fix Plan',
  '',
  '## [SOURCE-WEIGHT-001] Source weights',
  '- Status: in_progress',
  '- Attempts History:',
  '  * [2025-11-01] Attempt #17 — tried A.',
  '  * [2025-11-02] Attempt #18 — tried B.',
  '',
  '## [OTHER-002] Something else',
  '- Status: pending',
  '- Attempts History:',
  '  * [2025-11-03] Attempt #40 — other item.',
  '',
  '## Completed',
  '- [SOURCE-WEIGHT-001] orphaned entry',
  '  * Attempt #19 — moved here by hand.',
  '- [OTHER-002] Attempt #41 — not ours.',
  '- [SOURCE-WEIGHT-001] done; see Attempt #55 in [OTHER-002] (a cross-reference, not an entry)',
  '',
].join('\n');

describe('attempt-number collisions', () => {
  it('finds the item\'s entries outside its section, and ignores other items and cross-references', () => {
    const m = attemptMentions(parseLedger(LEDGER), 'SOURCE-WEIGHT-001');
    assert.deepEqual(m.map((x) => [x.number, x.line + 1]), [[19, 16]]);
    assert.equal(m[0]!.under, '## Completed');
    assert.deepEqual(attemptMentions(parseLedger(LEDGER), 'OTHER-002').map((x) => x.number), [41]);
  });

  it('bumps past the orphaned #19 and says where it is', () => {
    const c = checkAttemptNumber(parseLedger(LEDGER), 'SOURCE-WEIGHT-001', 19);
    assert.equal(c.next, 20);
    assert.equal(c.collisions.length, 1);
    assert.match(c.warning!, /already uses Attempt #19 at line 16 \(under "## Completed"\).*continues at #20/);
  });

  it('leaves the number alone when nothing outside collides', () => {
    const c = checkAttemptNumber(parseLedger(LEDGER), 'OTHER-002', 42);
    assert.equal(c.next, 42);
    assert.equal(c.warning, undefined);
  });

  it('planRecord uses the bumped number and carries the warning', () => {
    const doc = parseLedger(LEDGER);
    assert.equal(resolveItem(doc, 'SOURCE-WEIGHT-001').nextNumber, 20);
    const plan = planRecord(LEDGER, { itemId: 'SOURCE-WEIGHT-001', input: {
      stamp: '20251112T101500Z', date: '2025-11-12', verdict: 'fail', bundlePath: 'reports/x/20251112T101500Z/', cases: [], mismatches: [], forks: [],
    } });
    assert.equal(plan.attemptNumber, 20);
    assert.ok(plan.warnings.some((w) => /#19 at line 16/.test(w)), plan.warnings.join('\n'));
    assert.ok(plan.entryLines.join('\n').includes('Attempt #20'));
  });
});

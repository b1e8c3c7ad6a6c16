// The pure half of the VS Code "Record attempt" flow: item choices (archived → successor), plan reference, phase,
// open rows, one proposal, and re-validation when the ledger changed between preview and apply.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyEdits, itemChoices, parseLedger, phaseOf, phaseRows, planReferenceOf, propose, revalidate } from '../../src/core/ledger/index.ts';
import { LEDGERS, PASS_INPUT, PLANS, readFixture } from '../helpers/ledger.ts';

describe('ledger proposal (VS Code flow logic)', () => {
  it('lists every item with its state; the archived seed item preselects its live successor', () => {
    const { text } = readFixture(LEDGERS, '11-archived-item.md');
    const c = itemChoices(parseLedger(text));
    assert.equal(c[0]!.label, '[SOURCE-WEIGHT-002]');
    assert.ok(c[0]!.picked);
    assert.match(c[0]!.description, /in_progress \(Phase E\) · next Attempt #2/);
    const archived = c.find((x) => x.item.id === 'SOURCE-WEIGHT-001')!;
    assert.equal(archived.description, 'archived one-liner');
    assert.match(archived.detail, /successor \[SOURCE-WEIGHT-002\]/);
    assert.ok(!archived.picked);
  });

  it('marks Index-only items and prefers the configured item', () => {
    const { text } = readFixture(LEDGERS, '08-index-drift.md');
    const c = itemChoices(parseLedger(text), 'GEOM-TWOTHETA-002');
    assert.equal(c[0]!.item.id, 'GEOM-TWOTHETA-002');
    assert.equal(c.find((x) => x.item.id === 'NOISE-SEED-001')!.description, 'Index only, no section');
  });

  it('finds the plan reference, the phase of a bundle path, and the rows of a phase', () => {
    assert.equal(planReferenceOf(readFixture(LEDGERS, '02-house-style-long-lines.md').text, 'SOURCE-WEIGHT-002'), 'plans/active/source-weight-normalization.md');
    assert.equal(planReferenceOf(readFixture(LEDGERS, '10-missing-item.md').text, 'SOURCE-WEIGHT-002'), undefined);
    assert.equal(phaseOf('reports/2025-11-source-weights/phase_e/20251112T101500Z/'), 'E');
    assert.equal(phaseOf('elsewhere/20251112T101500Z/', 'phase_e'), 'E');
    const rows = phaseRows(readFixture(PLANS, '02-phase-e-messy.md').text, 'E')!;
    assert.deepEqual(rows.map((r) => `${r.id}${r.state}`), ['E1[D]', 'E2[ ]', 'E3[P]', 'E10[ ]', 'E0a[B]']);
    assert.equal(phaseRows(readFixture(PLANS, '01-phases-a-to-d.md').text, 'E'), undefined);
  });

  it('refuses to flip plan rows for a failing bundle', () => {
    const { text } = readFixture(LEDGERS, '01-template.md');
    const plan = readFixture(PLANS, '02-phase-e-messy.md').text;
    assert.throws(() => propose(text, { itemId: 'BEAM-FLUX-004', input: { ...PASS_INPUT, verdict: 'fail' }, flip: { planText: plan, planName: 'p.md', phase: 'E', rows: ['E2'] } }), /verdict is fail, not pass/);
    const ok = propose(text, { itemId: 'BEAM-FLUX-004', input: PASS_INPUT, flip: { planText: plan, planName: 'p.md', phase: 'E', rows: ['E2'] } });
    assert.match(ok.flip!.newText, /\| E2 \| Capture TC-D3 parity \| \[D\] \| ✅ Attempt #3 \(20251112T101500Z\) — /);
  });

  it('re-validates: unchanged, recomputed after an unrelated edit (unsaved buffer), renumbered after a new attempt', () => {
    const { text } = readFixture(LEDGERS, '01-template.md');
    const p = propose(text, { itemId: 'BEAM-FLUX-004', input: PASS_INPUT });
    assert.equal(revalidate(p, text).kind, 'unchanged');

    // Someone typed in the header meanwhile: same number, edit recomputed against the new text, their typing kept.
    const typed = text.replace('**Active Focus:**', '**Active Focus (edited):**');
    const r = revalidate(p, typed);
    assert.equal(r.kind, 'recomputed');
    const applied = applyEdits(typed, r.proposal.record.edits);
    assert.ok(applied.includes('**Active Focus (edited):**'));
    assert.ok(applied.includes('Attempt #3 — Result: ✅ pass'));

    // Someone recorded Attempt #3 meanwhile: the number changes and the user must see a new preview.
    const other = propose(text, { itemId: 'BEAM-FLUX-004', input: { ...PASS_INPUT, note: 'someone else' } }).record.newText;
    const n = revalidate(p, other);
    assert.equal(n.kind, 'renumbered');
    assert.equal(n.proposal.record.attemptNumber, 4);
  });
});

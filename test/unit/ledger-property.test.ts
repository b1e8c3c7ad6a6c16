// Property test: generated ledgers (random field orders, attempt shapes, repeated/skipped numbers, cross-references,
// archive debris, duplicated Status lines, LF/CRLF, with or without a final newline, non-ASCII text). The generator
// knows where each attempt ends, so the expected number and insertion line are computed independently of the parser.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { planRecord, unifiedDiff } from '../../src/core/ledger/index.ts';
import { deleteLines, PASS_INPUT } from '../helpers/ledger.ts';

const words = fc.constantFrom('corr 0.9612', 'sum_ratio 141.2', '✅', '❌ failed', '⚠️ partial', '—', 'a\u00a0b', 'x\u202fy', '🧪', 'Phase E', 'reports/x/20251009T104310Z/', 'TC-D1');
const phrase = fc.array(words, { minLength: 1, maxLength: 6 }).map((w) => w.join(' '));
const trail = fc.constantFrom('', '', '  ', ' ');

interface AttemptGen { n: number; date: string; shape: 'line' | 'multi' | 'multiBlank'; text: string; trail: string }
const attempt: fc.Arbitrary<AttemptGen> = fc.record({
  n: fc.integer({ min: 1, max: 60 }),
  date: fc.constantFrom('[2025-10-09]', '[20251009T104310Z]', '[2026-01-02]'),
  shape: fc.constantFrom('line', 'multi', 'multiBlank'),
  text: phrase,
  trail,
});

interface ItemGen { fieldOrder: number[]; statusLines: number; history: 'none' | 'attempts'; attempts: AttemptGen[]; nextActionNums: number[]; crossRef: number; headingNums: number[] }
const item: fc.Arbitrary<ItemGen> = fc.record({
  fieldOrder: fc.shuffledSubarray([0, 1, 2, 3, 4], { minLength: 0, maxLength: 5 }),
  statusLines: fc.integer({ min: 0, max: 2 }),
  history: fc.constantFrom('none', 'attempts', 'attempts'),
  attempts: fc.array(attempt, { minLength: 1, maxLength: 6 }),
  nextActionNums: fc.array(fc.integer({ min: 1, max: 70 }), { maxLength: 3 }),
  crossRef: fc.integer({ min: 100, max: 900 }),
  headingNums: fc.array(fc.integer({ min: 1, max: 70 }), { maxLength: 2 }),
});

interface Built { lines: string[]; target: string; expectNumber: number; expectAfter: number }

function build(items: ItemGen[], targetIdx: number, archive: boolean, after: boolean): Built {
  const L: string[] = ['# Fix Plan Ledger', '', '**Last Updated:** 2025-11-12 (loop — sync)  ', '', '## Index', '| ID | Title | Priority | Status |', '| --- | --- | --- | --- |'];
  items.forEach((_, k) => L.push(`| [ITEM-${k}-00${k}](#item-${k}) | Item ${k} \\| x | High | in_progress |`));
  L.push('');
  let expectNumber = 0;
  let expectAfter = -1;
  const emit = (it: ItemGen, k: number) => {
    L.push(`## [ITEM-${k}-00${k}] Item ${k} — title`);
    const fields = ['- Spec/AT: AT-SRC-002', '- Priority: High', '- Owner/Date: ralph/2026-03-02', '- Plan Reference: `plans/active/x.md`', '- Reproduction (C & PyTorch):\n  * C: `"$NB_C_BIN" -mat A.mat`\n  * PyTorch: `python -m nanobrag_torch`'];
    for (const f of it.fieldOrder) L.push(...fields[f]!.split('\n'));
    for (let s = 0; s < it.statusLines; s++) L.push(`- Status: ${s ? 'blocked' : 'in_progress'} (x)${s ? '' : '  '}`);
    const nums: number[] = [];
    if (it.history === 'none') {
      L.push('- Attempts History: none — blocked on ITEM-9');
      if (k === targetIdx) expectAfter = L.length - 1;
    } else {
      L.push('- Attempts History:');
      for (const a of it.attempts) {
        nums.push(a.n);
        L.push(`  * ${a.date} Attempt #${a.n} — Result: ${a.text}; see Attempt #${it.crossRef}${a.trail}`);
        if (a.shape !== 'line') {
          L.push(`    Metrics: correlation=0.99871, sum_ratio=1.0041 (${a.text})`);
          if (a.shape === 'multiBlank') L.push('');
          L.push('    Artifacts:', `      - reports/x/phase_b/20260302T083000Z/metrics.json — cf. Attempt #${it.crossRef + 1}`);
        }
        if (k === targetIdx) expectAfter = L.length - 1;
      }
    }
    L.push('- Next Actions:');
    it.nextActionNums.forEach((n, j) => { nums.push(n); L.push(`  ${j + 1}. ✅ COMPLETE (Attempt #${n}) — done; next see Attempt #${it.crossRef + 2}`); });
    L.push(`  ${it.nextActionNums.length + 1}. NEXT — rerun (after Attempt #${it.crossRef + 3})`);
    L.push('- Exit Criteria: corr ≥ 0.999');
    // `### Attempt` blocks only where the history is bullets, so the placement rule stays "after the last bullet".
    if (it.history === 'attempts') for (const n of it.headingNums) { nums.push(n); L.push('', `### Attempt #${n} — old block`, '**Date:** 2025-01-01', '- Metrics: correlation=0.5'); }
    L.push('');
    if (k === targetIdx) expectNumber = 1 + Math.max(0, ...nums);
  };
  const split = after ? Math.max(0, items.length - 1) : items.length;
  items.slice(0, split).forEach((it, k) => emit(it, k));
  if (archive) {
    L.push('## Completed / Archived Items', '- ✅ [OLD-ITEM-001] closed — successor [ITEM-0-000]', `  * [2025-10-09] Attempt #${950} — stray debris`, '### Attempt #990 — orphan', '**Date:** 2025-10-11', '');
  }
  items.slice(split).forEach((it, j) => emit(it, split + j));
  return { lines: L, target: `ITEM-${targetIdx}-00${targetIdx}`, expectNumber, expectAfter };
}

describe('ledger property', () => {
  it('generated ledgers: expected number and insertion line, byte-exact inverse, diff adds exactly the entry', () => {
    fc.assert(
      fc.property(
        fc.array(item, { minLength: 1, maxLength: 4 }), fc.nat(), fc.boolean(), fc.boolean(), fc.constantFrom('\n', '\r\n'), fc.boolean(), fc.option(fc.string({ maxLength: 40 }), { nil: undefined }),
        (items, t, archive, after, eol, finalNewline, note) => {
          const targetIdx = t % items.length;
          const b = build(items, targetIdx, archive, after);
          const text = b.lines.join(eol) + (finalNewline ? eol : '');
          const p = planRecord(text, { itemId: b.target, input: { ...PASS_INPUT, note } });
          assert.equal(p.attemptNumber, b.expectNumber);
          assert.equal(p.afterLine, b.expectAfter);
          assert.ok(Buffer.from(deleteLines(p.newText, p.insertedAt, p.insertedCount)).equals(Buffer.from(text)));
          assert.equal(p.entryLines.length, 3);
          const d = unifiedDiff(text, p.newText, 'docs/fix_plan.md').split('\n');
          assert.equal(d.filter((l) => l.startsWith('+') && !l.startsWith('+++')).length, 3);
          // A last line that gains a terminator shows as one -/+ pair, never as more.
          assert.ok(d.filter((l) => l.startsWith('-') && !l.startsWith('---')).length <= 1);
          assert.equal(p.newText.split(eol === '\n' ? /(?<!\r)\n/ : /\r\n/).length - text.split(eol === '\n' ? /(?<!\r)\n/ : /\r\n/).length, 3);
        },
      ),
      { numRuns: 300 },
    );
  });
});

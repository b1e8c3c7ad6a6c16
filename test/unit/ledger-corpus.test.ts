// The synthetic fix_plan.md corpus (test/fixtures/ledgers, shaped by formats.md §3): for each file and item, the
// expected attempt number and insertion point, and the byte-exact inverse (delete the inserted lines → original).
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { dominantEol, LedgerError, planRecord, splitLines } from '../../src/core/ledger/index.ts';
import { deleteLines, LEDGERS, PASS_INPUT, readFixture } from '../helpers/ledger.ts';

interface Expect {
  file: string;
  item: string;
  number?: number;
  /** 1-based original line the entry goes after, and how that line starts. */
  after?: number;
  afterStarts?: string;
  firstLineStarts?: string;
  warnings?: string[];
  status?: string;
  maxLines?: number;
  error?: { code: string; includes: string[] };
}

const CASES: Expect[] = [
  { file: '01-template.md', item: 'BEAM-FLUX-004', number: 3, after: 30, afterStarts: '      - see Attempt #40', firstLineStarts: '  * [2025-11-12] Attempt #3 — Result: ✅ pass' },
  { file: '01-template.md', item: 'CLI-FLAGS-003', number: 1, after: 40, afterStarts: '- Attempts History: none yet' },
  { file: '02-house-style-long-lines.md', item: 'SOURCE-WEIGHT-002', number: 37, after: 45, afterStarts: '  * [2025-10-26] Attempt #36 — ' },
  { file: '03-crlf.md', item: 'DETECTOR-PIX0-001', number: 3, after: 23, afterStarts: '    Artifacts: reports/pix0/phase_b/', firstLineStarts: '  - [2025-11-12] Attempt #3' },
  { file: '04-heading-attempts.md', item: 'MOSAIC-RNG-001', number: 4, after: 28, afterStarts: '- Artifacts: reports/mosaic/phase_b/', firstLineStarts: '' },
  { file: '05-archive-debris.md', item: 'PERF-PYTORCH-004', number: 4, after: 18, afterStarts: '  * [2025-10-02] Attempt #3' },
  { file: '05-archive-debris.md', item: 'AT-PARALLEL-012', number: 8, after: 33, afterStarts: '  * [2025-10-05] Attempt #7' },
  { file: '05-archive-debris.md', item: 'SOURCE-WEIGHT-000', error: { code: 'archived', includes: ['archived one-liner', 'line 23', 'no successor'] } },
  { file: '06-two-status-lines.md', item: 'SOURCE-WEIGHT-002', number: 6, after: 18, status: 'done', warnings: ['2 "- Status:" lines (lines 14, 16)'] },
  { file: '07-duplicated-sections.md', item: 'ROI-MASK-002', number: 7, after: 26, afterStarts: '  * [2025-09-02] Attempt #6', warnings: ['has 2 sections (lines 13, 22)'] },
  { file: '07-duplicated-sections.md', item: 'ROI-MASK-003', number: 1, after: 31, warnings: ['no row in the Index'] },
  { file: '08-index-drift.md', item: 'GEOM-BEAMCENTER-001', number: 10, after: 19, status: 'done (Attempt #10)', warnings: ['Index and section disagree', 'Index anchor "#geom-beam-center-001"'] },
  { file: '08-index-drift.md', item: 'GEOM-TWOTHETA-002', number: 3, after: 24, status: 'done', warnings: ['"#geom-twotheta-002-two-theta-axis"'] },
  { file: '08-index-drift.md', item: 'NOISE-SEED-001', error: { code: 'index-only', includes: ['line 13', 'no "## [NOISE-SEED-001]" section'] } },
  { file: '09-near-cap-995.md', item: 'SOURCE-WEIGHT-002', number: 42, after: 16 },
  { file: '09-near-cap-995.md', item: 'SOURCE-WEIGHT-002', maxLines: 997, error: { code: 'line-cap', includes: ['995 lines', 'make it 998', '997-line cap'] } },
  { file: '10-missing-item.md', item: 'SOURCE-WEIGHT-001', error: { code: 'missing', includes: ['Similar items: SOURCE-WEIGHT-002'] } },
  { file: '11-archived-item.md', item: 'SOURCE-WEIGHT-001', error: { code: 'archived', includes: ['line 22', 'successor is [SOURCE-WEIGHT-002]', '--item SOURCE-WEIGHT-002', 'No section was created'] } },
  { file: '11-archived-item.md', item: 'BEAM-FLUX-003', error: { code: 'archived', includes: ['successor is [BEAM-FLUX-004]'] } },
  { file: '11-archived-item.md', item: 'SOURCE-WEIGHT-002', number: 2, after: 17 },
  { file: '12-no-final-newline.md', item: 'POLAR-KAHN-001', number: 3, after: 17, afterStarts: '  * [2025-10-21] Attempt #2' },
  { file: '13-none-yet.md', item: 'DISP-STEPS-001', number: 1, after: 16 },
  { file: '13-none-yet.md', item: 'OVERSAMPLE-002', number: 4, after: 22 },
  { file: '14-next-actions-only.md', item: 'PHI-CARRY-001', number: 7, after: 17, firstLineStarts: '- Attempts History:' },
  { file: '15-fences-lazy-numbered.md', item: 'SINCG-GUARD-001', number: 3, after: 24, afterStarts: '     Metrics: correlation=0.99999', firstLineStarts: '  3. [2025-11-12] Attempt #3' },
  { file: '15-fences-lazy-numbered.md', item: 'FAKE-999', error: { code: 'missing', includes: ['[FAKE-999] is not in'] } },
];

describe('ledger corpus', () => {
  it('has at least 12 ledgers, each exercised', () => {
    const files = readdirSync(LEDGERS).filter((f) => f.endsWith('.md'));
    assert.ok(files.length >= 12, `only ${files.length} ledgers`);
    for (const f of files) assert.ok(CASES.some((c) => c.file === f), `${f} has no expectation`);
  });

  for (const c of CASES) {
    it(`${c.file} [${c.item}]${c.status ? ' +status' : ''}${c.error ? ` refuses (${c.error.code})` : ` → Attempt #${c.number}`}`, () => {
      const { buf, text } = readFixture(LEDGERS, c.file);
      const run = () => planRecord(text, { itemId: c.item, input: { ...PASS_INPUT, note: 'line one\nline two' }, status: c.status, maxLines: c.maxLines });
      if (c.error) {
        assert.throws(run, (e: unknown) => {
          assert.ok(e instanceof LedgerError);
          assert.equal(e.code, c.error!.code);
          for (const s of c.error!.includes) assert.ok(e.message.includes(s), `message lacks "${s}": ${e.message}`);
          return true;
        });
        return;
      }
      const p = run();
      assert.equal(p.attemptNumber, c.number);
      assert.equal(p.afterLine + 1, c.after);
      const orig = splitLines(text);
      if (c.afterStarts !== undefined) assert.ok(orig[p.afterLine]!.text.startsWith(c.afterStarts), orig[p.afterLine]!.text.slice(0, 80));
      if (c.firstLineStarts !== undefined) assert.ok(p.entryLines[0]!.startsWith(c.firstLineStarts), p.entryLines[0]);
      for (const w of c.warnings ?? []) assert.ok(p.warnings.some((x) => x.includes(w)), `no warning with "${w}": ${p.warnings.join(' | ')}`);
      // The entry names the number, cites metrics and artifacts, and keeps the typed note on one line.
      const entry = p.entryLines.join('\n');
      assert.match(entry, new RegExp(`Attempt #${c.number} `));
      assert.match(entry, /Metrics: TC-D1 correlation=0\.999994, sum_ratio=1\.000012, rmse=1\.200e-5, max_abs_diff=3\.100e-4; TC-D3/);
      assert.match(entry, /Artifacts: reports\/2025-11-source-weights\/phase_e\/20251112T101500Z\/ \(metrics\.json, summary\.md, commands\.txt\)/);
      assert.match(entry, /Note: line one line two/);

      const next = splitLines(p.newText);
      // Inserted lines use the file's own line ending.
      const eol = dominantEol(orig);
      for (let i = p.insertedAt; i < p.insertedAt + p.insertedCount; i++) {
        assert.equal(next[i]!.text, p.entryLines[i - p.insertedAt]);
        if (i < next.length - 1) assert.equal(next[i]!.eol, eol);
      }
      if (!c.status) {
        // Byte-exact inverse: deleting the inserted lines gives back the original file.
        assert.ok(Buffer.from(deleteLines(p.newText, p.insertedAt, p.insertedCount), 'utf8').equals(buf), 'bytes differ after deleting the inserted lines');
        assert.equal(p.edits.length, 1);
      } else {
        // Status: only the first Status line and the Index cell change besides the insertion.
        const rest = splitLines(deleteLines(p.newText, p.insertedAt, p.insertedCount));
        assert.equal(rest.length, orig.length);
        const changed = orig.map((l, i) => (l.text !== rest[i]!.text || l.eol !== rest[i]!.eol ? i : -1)).filter((i) => i >= 0);
        assert.equal(changed.length, 2, `changed lines: ${changed.map((i) => i + 1).join(',')}`);
        for (const i of changed) {
          assert.ok(rest[i]!.text.includes(c.status), rest[i]!.text);
          assert.equal(rest[i]!.eol, orig[i]!.eol);
        }
      }
    });
  }

  it('keeps trailing double spaces on the Status line and edits only the first of two', () => {
    const { text } = readFixture(LEDGERS, '06-two-status-lines.md');
    const p = planRecord(text, { itemId: 'SOURCE-WEIGHT-002', input: PASS_INPUT, status: 'done' });
    const lines = splitLines(p.newText);
    assert.equal(lines[13]!.text, '- Status: done  ');
    assert.equal(lines[15]!.text, '- Status: blocked (old line left by a loop — do not trust)');
    assert.equal(lines[10]!.text, '| [SOURCE-WEIGHT-002](#source-weight-002-parity) | Parity | Critical | done |');
  });

  it('edits the Index status cell of a row without a closing pipe, and next to an escaped pipe in the title', () => {
    const { text } = readFixture(LEDGERS, '08-index-drift.md');
    const a = planRecord(text, { itemId: 'GEOM-TWOTHETA-002', input: PASS_INPUT, status: 'done' });
    assert.equal(splitLines(a.newText)[11]!.text, '| [GEOM-TWOTHETA-002](#geom-twotheta-002-twotheta-axis) | Two-theta axis | Medium | done');
    const b = planRecord(text, { itemId: 'GEOM-BEAMCENTER-001', input: PASS_INPUT, status: 'done' });
    assert.equal(splitLines(b.newText)[10]!.text, '| [GEOM-BEAMCENTER-001](#geom-beam-center-001) | Beam center \\| MOSFLM offsets | High | done |');
  });

  it('writes CRLF into a CRLF file and keeps a missing final newline missing', () => {
    const crlf = planRecord(readFixture(LEDGERS, '03-crlf.md').text, { itemId: 'DETECTOR-PIX0-001', input: PASS_INPUT });
    assert.ok(!/[^\r]\n/.test(crlf.newText), 'a bare LF slipped into the CRLF file');
    const nofinal = planRecord(readFixture(LEDGERS, '12-no-final-newline.md').text, { itemId: 'POLAR-KAHN-001', input: PASS_INPUT });
    assert.ok(nofinal.newText.endsWith(PASS_INPUT.bundlePath + ' (metrics.json, summary.md, commands.txt)'));
  });

  it('writes a heading-style entry where the section keeps ### Attempt blocks', () => {
    const p = planRecord(readFixture(LEDGERS, '04-heading-attempts.md').text, { itemId: 'MOSAIC-RNG-001', input: PASS_INPUT });
    assert.deepEqual(p.entryLines.slice(0, 3), ['', '### Attempt #4 — ✅ pass (nb-parity, torch vs c, 2 cases)', '**Date:** 2025-11-12 (20251112T101500Z)']);
    // Before "### Notes", never inside it.
    assert.equal(splitLines(p.newText)[p.insertedAt + p.insertedCount + 1]!.text, '### Notes');
  });

  it('refuses a bad --status value with the allowed words', () => {
    const { text } = readFixture(LEDGERS, '01-template.md');
    assert.throws(() => planRecord(text, { itemId: 'BEAM-FLUX-004', input: PASS_INPUT, status: 'finished' }), /must start with one of in_progress, done, in_planning, blocked/);
    assert.throws(() => planRecord(text, { itemId: 'BEAM-FLUX-004', input: PASS_INPUT, status: 'done | x' }), /without "\|"/);
  });
});

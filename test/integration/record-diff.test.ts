// The unified diff we print is real: GNU patch(1) applied to each corpus ledger gives exactly our new text
// (CRLF files, a missing final newline, 4,000-character lines and status edits included).
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { execa } from 'execa';
import { flipPlanRows, listItems, parseLedger, planRecord, unifiedDiff } from '../../src/core/ledger/index.ts';
import { LEDGERS, PASS_INPUT, PLANS } from '../helpers/ledger.ts';
import { makeTempDirSync } from '../helpers/tempDirs.ts';

describe('unified diff applies with patch(1)', () => {
  const dir = makeTempDirSync('nb-diff-');

  const check = async (name: string, before: Buffer, afterText: string) => {
    const f = path.join(dir, name);
    writeFileSync(f, before);
    const diff = unifiedDiff(before.toString('utf8'), afterText, name);
    const p = await execa('patch', ['-s', '--binary', f], { input: diff, reject: false });
    assert.equal(p.exitCode, 0, `${name}: ${p.stdout}${p.stderr}`);
    assert.ok(readFileSync(f).equals(Buffer.from(afterText, 'utf8')), `${name}: patched bytes differ`);
  };

  for (const name of readdirSync(LEDGERS).filter((f) => f.endsWith('.md'))) {
    it(`ledger ${name}: every live item, with --status`, async () => {
      const buf = readFileSync(LEDGERS + name);
      const text = buf.toString('utf8');
      const items = listItems(parseLedger(text)).filter((i) => i.state === 'live');
      assert.ok(items.length > 0, `${name}: no live item parsed`);
      for (const it of items) {
        const plan = planRecord(text, { itemId: it.id, input: PASS_INPUT, status: 'in_progress (recorded)', maxLines: 2000 });
        await check(name, buf, plan.newText);
      }
    });
  }

  for (const name of readdirSync(PLANS).filter((f) => f.endsWith('.md') && !f.startsWith('01-'))) {
    it(`plan ${name}`, async () => {
      const buf = readFileSync(PLANS + name);
      const text = buf.toString('utf8');
      const rows = [...text.matchAll(/^\| (E[\w.]+) \|/gm)].map((m) => m[1]!);
      const f = flipPlanRows(text, { phase: 'E', rows: [...new Set(rows)], attemptNumber: 7, stamp: '20251112T101500Z' });
      await check(name, buf, f.newText);
    });
  }
});

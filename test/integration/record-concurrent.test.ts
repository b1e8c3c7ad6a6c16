// 16 `nb-parity record` processes at once on one ledger (issue 12 item 1): before the lock, several passed the
// "unchanged?" check together and wrote the same Attempt #N, and all but one were lost. The real CLI
// (bin/nb-parity.mjs → dist/cli.mjs) on a bundle from a real `nb-parity run` (embedded engine on both sides: the
// user's C binary and PyTorch port cannot exist in CI).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { splitLines } from '../../src/core/ledger/index.ts';
import { copyDemoWorkspace } from '../helpers/demoWorkspace.ts';
import { ensureCompletion } from '../helpers/completion.ts';

const ROOT = join(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/nb-parity.mjs');
const nb = (args: string[], cwd: string) => execa(process.execPath, [BIN, ...args], { reject: false, cwd, timeout: 120_000 });

test('16 concurrent records → 16 attempts with 16 distinct numbers; the rest of the file intact; a dead pid\'s lock recovered', async () => {
  const ws = await copyDemoWorkspace('nb-conc-');
  const run = await nb(['run', 'DEMO-MAT-N1/detpixels-64', '--workspace', ws, '--candidate', 'embedded', '--reference', 'embedded', '--reference-preset', 'pytorch', '--quiet', '--json'], ws);
  assert.equal(run.exitCode, 0, run.stderr);
  const bundle = JSON.parse(run.stdout).bundle as string;
  await ensureCompletion(bundle);
  const ledger = join(ws, 'docs/fix_plan.md');
  const before = await readFile(ledger, 'utf8');

  // A lock left behind by a record that was SIGKILLed: its pid is gone.
  const dead = await execa(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  await writeFile(join(ws, 'docs/.fix_plan.md.nb-parity.lock'), JSON.stringify({ pid: Number(dead.stdout), hostname: hostname(), createdAt: new Date().toISOString(), token: 'x' }));

  const N = 16;
  const results = await Promise.all(Array.from({ length: N }, (_, i) =>
    nb(['record', '--ledger', 'docs/fix_plan.md', '--item', 'SOURCE-WEIGHT-001', '--bundle', bundle, '--note', `writer ${i}`, '--force'], ws)));
  for (const r of results) assert.equal(r.exitCode, 0, r.stderr);

  const after = await readFile(ledger, 'utf8');
  const numbers = [...after.matchAll(/Attempt #(\d+) — .*Note: writer (\d+)$/gm)].map((m) => [Number(m[1]), Number(m[2])]);
  assert.equal(numbers.length, N, `expected ${N} new attempts, found ${numbers.length}`);
  assert.equal(new Set(numbers.map((n) => n[0])).size, N, `attempt numbers repeat: ${numbers.map((n) => n[0]).join(',')}`);
  assert.deepEqual(new Set(numbers.map((n) => n[1])), new Set(Array.from({ length: N }, (_, i) => i)), 'a writer\'s attempt is missing');
  // Deleting the 16 inserted entries (3 lines each) gives back the original bytes.
  const lines = splitLines(after);
  const kept = lines.filter((l, i) => !/Attempt #\d+ — .*Note: writer \d+$/.test(l.text) && !(i >= 1 && /Note: writer/.test(lines[i - 1]!.text)) && !(i >= 2 && /Note: writer/.test(lines[i - 2]!.text)));
  assert.equal(kept.map((l) => l.text + l.eol).join(''), before);
  assert.deepEqual((await readdir(join(ws, 'docs'))).filter((f) => f.startsWith('.')), [], 'lock or temp file left behind');
});

// `nb-parity record` as a user runs it: the real CLI (node bin/nb-parity.mjs, after `npm run build`) through execa,
// on a copy of the demo workspace with bundles written by a real `nb-parity run` (embedded engine on both sides:
// the user's C binary and PyTorch port cannot exist in CI, the embedded simulator is our own real program).
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { splitLines } from '../../src/core/ledger/index.ts';
import { copyDemoWorkspaceSync } from '../helpers/demoWorkspace.ts';
import { ensureCompletion } from '../helpers/completion.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = path.join(ROOT, 'bin/nb-parity.mjs');
const FIX = path.join(ROOT, 'test/fixtures');

const nb = (args: string[], cwd: string) => execa('node', [CLI, ...args], { cwd, reject: false, timeout: 120_000 });
const newest = (ws: string) => {
  const dir = path.join(ws, 'reports/2025-11-source-weights/phase_e');
  return path.join(dir, readdirSync(dir).sort().at(-1)!);
};

describe('nb-parity record (real CLI)', () => {
  let ws: string;
  before(() => {
    assert.ok(existsSync(path.join(ROOT, 'dist/cli.mjs')), 'dist/cli.mjs missing: run npm run build (npm run test:integration does)');
    ws = copyDemoWorkspaceSync('nb-record-');
  });

  it('records a failing demo run as the next attempt: dry run writes nothing, the diff applies with patch, bytes outside the entry are kept', async () => {
    const run = await nb(['run', '--workspace', ws, '--candidate', 'embedded', '--reference', 'embedded', '--quiet'], ws);
    assert.equal(run.exitCode, 1, `nb-parity run should report the seed's failing parity: ${run.stderr}`);
    const bundle = newest(ws);
    await ensureCompletion(bundle);
    const rel = path.relative(ws, bundle);
    const ledger = path.join(ws, 'docs/fix_plan.md');
    const before = readFileSync(ledger);

    const dry = await nb(['record', '--ledger', 'docs/fix_plan.md', '--item', 'SOURCE-WEIGHT-001', '--bundle', rel, '--note', 'demo: presets differ', '--dry-run'], ws);
    assert.equal(dry.exitCode, 0, dry.stderr);
    assert.ok(readFileSync(ledger).equals(before), 'dry run changed the ledger');
    assert.match(dry.stdout, /^\[SOURCE-WEIGHT-001\] Attempt #3 \(fail, \d{8}T\d{6}Z\)/);
    assert.match(dry.stdout, /\(dry run: nothing written\)/);
    const diff = dry.stdout.slice(dry.stdout.indexOf('--- a/'), dry.stdout.indexOf('(dry run'));

    const wet = await nb(['record', '--ledger', 'docs/fix_plan.md', '--item', 'SOURCE-WEIGHT-001', '--bundle', rel, '--note', 'demo: presets differ'], ws);
    assert.equal(wet.exitCode, 0, wet.stderr);
    const after1 = readFileSync(ledger, 'utf8');

    // The printed diff is a real unified diff: patch(1) turns the old file into exactly the new one.
    const copy = path.join(ws, 'patched.md');
    writeFileSync(copy, before);
    const p = await execa('patch', ['-s', copy], { input: diff, reject: false });
    assert.equal(p.exitCode, 0, p.stderr + p.stdout);
    assert.equal(readFileSync(copy, 'utf8'), after1);

    const lines = splitLines(after1);
    const at = lines.findIndex((l) => l.text.includes('Attempt #3 —'));
    assert.ok(lines[at - 1]!.text.includes('reports/2025-11-source-weights/phase_d/20251010T093000Z/metrics.json'), 'not appended after Attempt #2');
    assert.match(lines[at]!.text, /^ {2}\* \[\d{4}-\d{2}-\d{2}\] Attempt #3 — Result: ❌ fail .*TC-D1 ❌ corr 0\.0\d+.*Note: demo: presets differ$/);
    assert.match(lines[at + 1]!.text, /^ {4}Metrics: TC-D1 correlation=0\.\d{6}, sum_ratio=\d+\.\d{6}, rmse=[\d.e-]+, max_abs_diff=[\d.e-]+; TC-D3 /);
    assert.equal(lines[at + 2]!.text, `    Artifacts: ${rel.split(path.sep).join('/')}/ (metrics.json, summary.md, commands.txt)`);
    assert.equal(lines[at + 3]!.text, '- Next Actions:');
    const without = Buffer.concat([Buffer.from(after1.slice(0, lines[at]!.start)), Buffer.from(after1.slice(lines[at + 2]!.next))]);
    assert.ok(without.equals(before), 'bytes outside the inserted lines changed');
    assert.deepEqual(readdirSync(path.join(ws, 'docs')).filter((f) => f.endsWith('.tmp')), [], 'temp file left behind');

    // Numbering continues from the file as it now is.
    const again = await nb(['record', '--ledger', 'docs/fix_plan.md', '--item', 'SOURCE-WEIGHT-001', '--bundle', rel, '--dry-run', '--force'], ws);
    assert.match(again.stdout, /Attempt #4 /);
  });

  it('a passing run sets Status and the Index cell, and flips the plan\'s Phase E rows with the attempt prefix', async () => {
    const run = await nb(['run', '--workspace', ws, '--candidate', 'embedded', '--reference', 'embedded', '--candidate-preset', 'c', '--quiet'], ws);
    assert.equal(run.exitCode, 0, `identical presets should pass: ${run.stdout}${run.stderr}`);
    const bundle = newest(ws);
    await ensureCompletion(bundle);
    const stamp = path.basename(bundle);
    const planBefore = readFileSync(path.join(ws, 'plans/active/source-weighting.md'), 'utf8');
    const r = await nb(['record', '--ledger', 'docs/fix_plan.md', '--item', 'SOURCE-WEIGHT-001', '--bundle', bundle, '--status', 'done (Phase E parity captured)',
      '--plan', 'plans/active/source-weighting.md', '--phase', 'E', '--rows', 'E1,E2'], ws);
    assert.equal(r.exitCode, 0, r.stderr);
    const n = /Attempt #(\d+)/.exec(r.stdout)![1];
    const ledger = readFileSync(path.join(ws, 'docs/fix_plan.md'), 'utf8');
    assert.match(ledger, /^- Status: done \(Phase E parity captured\)$/m);
    assert.match(ledger, /^\| \[SOURCE-WEIGHT-001\]\(#source-weight-001-weighted-source-normalization\) \| Weighted source normalization \| High \| done \(Phase E parity captured\) \|$/m);
    assert.match(ledger, new RegExp(`Attempt #${n} — Result: ✅ pass`));
    const plan = readFileSync(path.join(ws, 'plans/active/source-weighting.md'), 'utf8');
    assert.match(plan, new RegExp(`^\\| E1 \\| Capture TC-D1 parity \\| \\[D\\] \\| ✅ Attempt #${n} \\(${stamp}\\) — Two weighted sources`, 'm'));
    assert.match(plan, new RegExp(`^\\| E2 \\| Capture TC-D3 parity \\| \\[D\\] \\| ✅ Attempt #${n} \\(${stamp}\\) — Horizontal divergence 0\\.5 mrad in 3 steps \\| compare with corr and sum ratio$`, 'm'));
    const changed = splitLines(plan).filter((l, i) => l.text !== splitLines(planBefore)[i]!.text).length;
    assert.equal(changed, 2);
  });

  it('refuses, with the reason and without writing: archived item, missing phase, failing verdict, line cap, bad bundle, bad flags', async () => {
    mkdirSync(path.join(ws, 'alt'), { recursive: true });
    cpSync(path.join(FIX, 'ledgers/11-archived-item.md'), path.join(ws, 'alt/fix_plan.md'));
    cpSync(path.join(FIX, 'plans/01-phases-a-to-d.md'), path.join(ws, 'alt/plan.md'));
    const ledgers = [path.join(ws, 'alt/fix_plan.md'), path.join(ws, 'docs/fix_plan.md')];
    const snapshot = ledgers.map((f) => readFileSync(f));
    const pass = newest(ws);

    const archived = await nb(['record', '--ledger', 'alt/fix_plan.md', '--bundle', pass], ws); // default item SOURCE-WEIGHT-001
    assert.equal(archived.exitCode, 1);
    assert.match(archived.stderr, /\[SOURCE-WEIGHT-001\] survives only as an archived one-liner .* successor is \[SOURCE-WEIGHT-002\]/);

    const phase = await nb(['record', '--ledger', 'alt/fix_plan.md', '--item', 'SOURCE-WEIGHT-002', '--bundle', pass, '--plan', 'alt/plan.md', '--phase', 'E', '--rows', 'E1'], ws);
    assert.equal(phase.exitCode, 1);
    assert.match(phase.stderr, /alt\/plan\.md has no "### Phase E" section \(phases found: A, D\)/);

    const cap = await nb(['record', '--ledger', 'docs/fix_plan.md', '--bundle', pass, '--max-lines', String(splitLines(snapshot[1]!.toString()).length + 2)], ws);
    assert.equal(cap.exitCode, 1);
    assert.match(cap.stderr, /over the \d+-line cap/);

    const noBundle = await nb(['record', '--ledger', 'docs/fix_plan.md', '--bundle', 'reports/nope'], ws);
    assert.equal(noBundle.exitCode, 1);
    assert.match(noBundle.stderr, /--bundle reports\/nope: .*(not an evidence bundle folder|no such folder)/);

    const flag = await nb(['record', '--ledger', 'docs/fix_plan.md', '--bundel', pass], ws);
    assert.equal(flag.exitCode, 2);
    assert.match(flag.stderr, /--bundel/);

    const together = await nb(['record', '--ledger', 'docs/fix_plan.md', '--bundle', pass, '--phase', 'E'], ws);
    assert.equal(together.exitCode, 2);
    assert.match(together.stderr, /--plan, --phase and --rows go together/);

    ledgers.forEach((f, i) => assert.ok(readFileSync(f).equals(snapshot[i]!), `${f} changed by a refused command`));
  });

  it('reads a seed-layout bundle (metrics.json only) and says the verdict was judged with the seed thresholds', async () => {
    const dir = path.join(ws, 'reports/2025-11-source-weights/phase_d/20251009T104310Z');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'metrics.json'), JSON.stringify({ tc_d1: { correlation: 0.999994, sum_ratio: 1.000012 }, tc_d3: { correlation: 0.0644, sum_ratio: 143.9 } }, null, 2));
    const r = await nb(['record', '--ledger', 'docs/fix_plan.md', '--item', 'DETECTOR-PIVOT-003', '--bundle', dir, '--dry-run', '--accept-unmarked'], ws);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stdout, /\+ {2}\* \[2025-10-09\] Attempt #1 — Result: ❌ fail \(nb-parity, .*judged now with the seed.*no completion marker, recorded with --accept-unmarked\)\. TC-D1 ✅ corr 0\.999994, sum_ratio 1\.000012; TC-D3 ❌ corr 0\.064400/);
    assert.match(r.stdout, /first attempt, under "- Attempts History:"/);
  });
});

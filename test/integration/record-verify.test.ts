// `record` does not trust what it reads (issue 12 item 4). The real CLI on bundles from real `nb-parity run`s
// (embedded engine both sides: the user's C binary and PyTorch port cannot exist in CI), then damaged the ways a
// crash, a cancel or a hand edit damages them. Before the fix each of these was recorded (a tampered "pass" flipped
// plan rows); now each is refused with its cause and the ledger and plan are left byte for byte as they were.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { execa } from 'execa';
import { copyDemoWorkspace } from '../helpers/demoWorkspace.ts';
import { ensureCompletion, rehash } from '../helpers/completion.ts';

const ROOT = join(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/nb-parity.mjs');
const nb = (args: string[], cwd: string) => execa(process.execPath, [BIN, ...args], { reject: false, cwd, timeout: 120_000 });
const EMB = ['--candidate', 'embedded', '--reference', 'embedded', '--quiet', '--json'];

async function setup() {
  const ws = await copyDemoWorkspace('nb-verify-');
  const runOne = async (args: string[]) => {
    const r = await nb(['run', ...args, '--workspace', ws, ...EMB], ws);
    assert.ok(r.exitCode === 0 || r.exitCode === 1, r.stderr);
    return JSON.parse(r.stdout).bundle as string;
  };
  return { ws, runOne };
}

const record = (ws: string, bundle: string, extra: string[] = []) =>
  nb(['record', '--ledger', 'docs/fix_plan.md', '--item', 'SOURCE-WEIGHT-001', '--bundle', relative(ws, bundle), ...extra], ws);

test('missing, cancelled and tampered bundles are refused, naming the cause; nothing is written', async () => {
  const { ws, runOne } = await setup();
  const failing = await runOne([]); // seed presets differ: TC-D1/TC-D3 fail
  const ledger = join(ws, 'docs/fix_plan.md');
  const plan = join(ws, 'plans/active/source-weighting.md');
  const before = [await readFile(ledger), await readFile(plan)];
  const same = async () => assert.ok((await readFile(ledger)).equals(before[0]!) && (await readFile(plan)).equals(before[1]!), 'a refused record changed a file');

  await rm(join(failing, 'complete.json'), { force: true });
  const missing = await record(ws, failing);
  assert.equal(missing.exitCode, 1, missing.stdout);
  assert.match(missing.stderr, /no complete\.json, so the run did not finish: it was killed, crashed or ran out of disk space.*--accept-unmarked/);
  await same();

  await ensureCompletion(failing, 'cancelled');
  const cancelled = await record(ws, failing);
  assert.equal(cancelled.exitCode, 1);
  assert.match(cancelled.stderr, /complete\.json says the run was cancelled/);
  await rm(join(failing, 'complete.json'));
  await ensureCompletion(failing);

  // A hand edit turning the failing verdict into a pass: the hash gives it away...
  const mj = join(failing, 'metrics.json');
  const text = await readFile(mj, 'utf8');
  await writeFile(mj, text.replaceAll('"verdict": "fail"', '"verdict": "pass"'));
  const edited = await record(ws, failing, ['--plan', 'plans/active/source-weighting.md', '--phase', 'E', '--rows', 'E1,E2']);
  assert.equal(edited.exitCode, 1);
  assert.match(edited.stderr, /metrics\.json was changed after the run finished \(its sha256 differs from complete\.json\)/);
  // ...and with the marker rewritten to match, the re-judged verdict does.
  await rehash(failing);
  const rejudged = await record(ws, failing, ['--plan', 'plans/active/source-weighting.md', '--phase', 'E', '--rows', 'E1,E2']);
  assert.equal(rejudged.exitCode, 1);
  assert.match(rejudged.stderr, /metrics\.json says pass, but its metrics and thresholds judge fail/);
  await writeFile(mj, text);

  // An image replaced (and the marker rewritten): the stored metrics no longer match the pixels.
  const bin = join(failing, 'emb_cand_tc_d1.bin');
  const img = await readFile(bin);
  await writeFile(bin, Buffer.from(img).reverse());
  await rehash(failing);
  const pixels = await record(ws, failing);
  assert.equal(pixels.exitCode, 1);
  assert.match(pixels.stderr, /case TC-D1: correlation is .* in bundle\.json but .* from the images; the bundle was edited/);
  await same();
});

test('engines are named as run, the same bundle twice needs --force, plan rows flip only for a case they name or --case', async () => {
  const { ws, runOne } = await setup();
  const yamlPass = await runOne(['DEMO-MAT-N1/detpixels-64', '--reference-preset', 'pytorch']);
  await ensureCompletion(yamlPass);
  const planFile = join(ws, 'plans/active/source-weighting.md');
  const planBefore = await readFile(planFile, 'utf8');
  const flip = ['--plan', 'plans/active/source-weighting.md', '--phase', 'E', '--rows', 'E1'];

  // E1 is "Capture TC-D1 parity": a passing bundle of another case must not close it.
  const other = await record(ws, yamlPass, flip);
  assert.equal(other.exitCode, 0, other.stderr);
  assert.match(other.stdout, /row E1 \(line \d+\): left alone \(the row names none of the bundle's passing cases \(DEMO-MAT-N1\/detpixels-64\); choose one with --case ID/);
  assert.equal(await readFile(planFile, 'utf8'), planBefore);
  assert.match(other.stdout, /Attempt #\d+ — Result: ✅ pass \(nb-parity, embedded \(preset pytorch\) vs embedded \(preset pytorch\), 1 case\)/);

  const twice = await record(ws, yamlPass);
  assert.equal(twice.exitCode, 1);
  assert.match(twice.stderr, /already cites reports\/.*\/ \(line \d+\); recording the same bundle twice .* --force/);

  const chosen = await record(ws, yamlPass, [...flip, '--case', 'DEMO-MAT-N1/detpixels-64', '--force']);
  assert.equal(chosen.exitCode, 0, chosen.stderr);
  assert.match(chosen.stdout, /warning: .* is already cited at line \d+; recorded again \(--force\)/);
  assert.match(await readFile(planFile, 'utf8'), /^\| E1 \| Capture TC-D1 parity \| \[D\] \| ✅ Attempt #\d+ /m);

  const unknown = await record(ws, yamlPass, [...flip, '--case', 'TC-D9', '--force']);
  assert.equal(unknown.exitCode, 1);
  assert.match(unknown.stderr, /--case TC-D9: the bundle has no such case \(it has DEMO-MAT-N1\/detpixels-64\)/);
});

test('an older bundle\'s image pair without metrics is not turned into a case', async () => {
  const ws = await copyDemoWorkspace('nb-verify-');
  const dir = join(ws, 'reports/old/phase_x/20250101T000000Z');
  await execa('mkdir', ['-p', dir]);
  await writeFile(join(dir, 'metrics.json'), JSON.stringify({ tc_d1: { correlation: 0.9999, sum_ratio: 1.0001 } }));
  await writeFile(join(dir, 'c_mystery_case.bin'), Buffer.alloc(64));
  await writeFile(join(dir, 'py_mystery_case.bin'), Buffer.alloc(64));
  const r = await nb(['record', '--ledger', 'docs/fix_plan.md', '--item', 'SOURCE-WEIGHT-001', '--bundle', dir, '--accept-unmarked', '--dry-run'], ws);
  assert.equal(r.exitCode, 0, r.stderr);
  assert.match(r.stdout, /1 case[,)]/);
  assert.doesNotMatch(r.stdout, /MYSTERY/i);
  assert.match(r.stdout, /engines not recorded \(older bundle layout\)/);
});

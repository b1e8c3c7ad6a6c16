// `nb-parity run` reusing an identical earlier C run (src/core/engines/c/reuse.ts), through the built CLI with real
// processes. The C side is the stand-in for the user's nanoBragg binary (test/fixtures/standins/nanoBragg), which
// cannot exist in CI; it computes with the embedded simulator, so two runs of one command give the same bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { COLD_TORCH } from '../helpers/cliEnv.ts';
import { copyDemoWorkspace, REPO_ROOT } from '../helpers/demoWorkspace.ts';

const BIN = join(REPO_ROOT, 'bin/nb-parity.mjs');
const STANDIN_C = join(REPO_ROOT, 'test/fixtures/standins/nanoBragg');

interface CRunRow { case: string; side: string; reused: boolean; reused_from: string | null; note: string | null }

async function run(ws: string, extra: string[] = ['--quiet'], env: Record<string, string> = {}) {
  const r = await execa(process.execPath, [BIN, 'run', 'TC-D1', '--workspace', ws, '--c-binary', STANDIN_C, '--candidate', 'embedded', '--json', ...extra],
    { reject: false, cwd: tmpdir(), env: { ...COLD_TORCH, ...env } });
  assert.ok(r.exitCode === 0 || r.exitCode === 1, r.stderr);
  const json = JSON.parse(r.stdout) as { bundle: string; cases: { reference: { reusedFrom: string | null } }[] };
  const bundle = json.bundle;
  const envJson = JSON.parse(await readFile(join(bundle, 'env.json'), 'utf8')) as { c_runs: CRunRow[]; c_reuse_policy: string };
  return {
    bundle, stderr: r.stderr, row: envJson.c_runs[0], reusedFrom: json.cases[0].reference.reusedFrom,
    summary: await readFile(join(bundle, 'summary.md'), 'utf8'), stdoutLog: await readFile(join(bundle, 'c_stdout_tc_d1.log'), 'utf8'), policy: envJson.c_reuse_policy, commands: await readFile(join(bundle, 'commands.txt'), 'utf8'), image: await readFile(join(bundle, 'c_tc_d1.bin')) };
}

test('a C command runs twice, is reused from the third call (same bytes, said in env.json and commands.txt), and runs again when off or when an input changes', async () => {
  const ws = await copyDemoWorkspace('nbp-c-reuse-');
  const first = await run(ws);
  assert.equal(first.row.reused, false);
  assert.match(first.row.note ?? '', /first run of this command/);
  const second = await run(ws);
  assert.equal(second.row.reused, false);
  assert.match(second.row.note ?? '', /second run of this command: compared with the first; this run is byte-identical to the earlier run as recorded/);
  assert.equal(second.reusedFrom, null);
  assert.match(second.summary, /- reference — C: exit 0 in /);

  const third = await run(ws, []);
  assert.equal(third.row.reused, true, third.row.note ?? '');
  assert.match(third.stderr, /TC-D1: reference \(C\) reused from an identical earlier run \(\d{8}T\d{6}Z\/c_tc_d1\.bin\) in \d/, 'the progress says so');
  assert.equal(third.row.reused_from, join(second.bundle, 'c_tc_d1.bin'));
  assert.ok(third.image.equals(first.image), 'the reused float file is the real runs\' bytes');
  assert.match(third.commands, /# \[TC-D1\] reference \(C\) — reused, not run, /);
  assert.match(third.commands, /# not run: reused the float file of an identical earlier run .*--c-reuse off runs it anyway/);
  assert.match(third.commands, /-floatfile /, 'the equivalent command line is still there to copy');
  assert.match(third.policy, /two real runs of it gave byte-identical float files/);
  // Everything a person or a script reads says the binary did not run.
  assert.equal(third.reusedFrom, join(second.bundle, 'c_tc_d1.bin'), '--json');
  assert.match(third.summary, /- reference — C: \*\*reused, not run\*\* — float file copied from the identical earlier run `\d{8}T\d{6}Z\/c_tc_d1\.bin`/);
  assert.match(third.stdoutLog, /^# nb-parity: not run; the stdout of an identical earlier run \(/);
  assert.match(third.stdoutLog, new RegExp(`writing ${third.bundle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/\\.scratch/c_tc_d1/c_tc_d1\\.bin as`), 'this run\'s paths');
  const table = await execa(process.execPath, [BIN, 'run', 'TC-D1', '--workspace', ws, '--c-binary', STANDIN_C, '--candidate', 'embedded', '--quiet'], { reject: false, cwd: tmpdir(), env: COLD_TORCH });
  assert.match(table.stdout, /C not run, reused from identical earlier runs \(--c-reuse off runs them\): TC-D1 reference/);
  const entry = await execa(process.execPath, [BIN, 'record', '--ledger', join(ws, 'docs/fix_plan.md'), '--bundle', third.bundle, '--dry-run'], { reject: false, cwd: tmpdir() });
  assert.equal(entry.exitCode, 0, entry.stderr);
  assert.match(entry.stdout, /\+.*Attempt #\d+ — Result: .*\(nb-parity, embedded \(preset pytorch\) vs c \(C reused from identical earlier runs, not run, for every case\), 1 case\)/, 'the ledger entry says it');

  // A pixel trace always runs C and records nothing (its stdout is the evidence; its scratch folder is temporary).
  const records = async () => Promise.all((await readdir(join(ws, '.nb-parity/c-runs'))).sort().map(async (f) => [f, await readFile(join(ws, '.nb-parity/c-runs', f), 'utf8')]));
  const before = await records();
  const trace = await execa(process.execPath, [BIN, 'trace', 'TC-D1', '--pixel', '20,20', '--workspace', ws, '--c-binary', STANDIN_C, '--candidate', 'embedded', '--json', '--quiet'],
    { reject: false, cwd: tmpdir(), env: COLD_TORCH });
  assert.ok(trace.exitCode === 0 || trace.exitCode === 1, trace.stderr);
  assert.deepEqual(await records(), before);

  const off = await run(ws, ['--c-reuse', 'off', '--quiet']);
  assert.equal(off.row.reused, false);
  assert.match(off.row.note ?? '', /^reuse off/);
  const offByEnv = await run(ws, ['--quiet'], { NB_PARITY_C_REUSE: 'off' });
  assert.equal(offByEnv.row.reused, false);

  // An input file named by the flags (-mat A.mat) changed: another command, so it runs.
  await appendFile(join(ws, 'A.mat'), '\n');
  const edited = await run(ws);
  assert.equal(edited.row.reused, false);
  assert.match(edited.row.note ?? '', /first run of this command \(an earlier record with the same arguments differs in the bytes of .*A\.mat\)/);

  const bad = await execa(process.execPath, [BIN, 'run', 'TC-D1', '--workspace', ws, '--c-reuse', 'maybe'], { reject: false, cwd: tmpdir(), env: COLD_TORCH });
  assert.equal(bad.exitCode, 2);
  assert.match(bad.stderr, /--c-reuse maybe: expected on or off/);
});

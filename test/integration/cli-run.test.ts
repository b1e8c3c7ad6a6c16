// `nb-parity run` / `nb-parity cases` through the built CLI (dist/cli.mjs via bin/nb-parity.mjs), real processes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { execa } from 'execa';
import { COLD_TORCH } from '../helpers/cliEnv.ts';
import { removeAfterTests } from '../helpers/tempDirs.ts';
import { copyDemoWorkspace } from '../helpers/demoWorkspace.ts';

const ROOT = join(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/nb-parity.mjs');
// PyTorch sides run cold: no test here starts (or reaches the user's) warm server daemon.
const nbp = (args: string[]) => execa(process.execPath, [BIN, ...args], { reject: false, cwd: tmpdir(), env: COLD_TORCH });

const workspace = () => copyDemoWorkspace('nbp-cli-');

test('nb-parity run (embedded both sides, seed presets): JSON result, exit 1 on fail, seed-like numbers, bundle on disk', async () => {
  const ws = await workspace();
  const r = await nbp(['run', '--workspace', ws, '--candidate', 'embedded', '--reference', 'embedded', '--json']);
  assert.equal(r.exitCode, 1, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.deepEqual(j.cases.map((c: { caseId: string }) => c.caseId), ['TC-D1', 'TC-D3']);
  for (const c of j.cases) assert.equal(c.verdict, 'fail');
  // The same failure the real C/PyTorch pair shows (expected-metrics.json: 0.0642 / 144.3 and 0.0704 / 141.7).
  assert.ok(Math.abs(j.cases[0].metrics.correlation - 0.0642) < 1e-3, String(j.cases[0].metrics.correlation));
  assert.ok(Math.abs(j.cases[0].metrics.sum_ratio - 144.3) < 0.1);
  assert.ok(Math.abs(j.cases[1].metrics.correlation - 0.0704) < 1e-3);
  const fields = j.cases[0].mismatches.map((m: { field: string }) => m.field);
  assert.ok(fields.includes('nCells') && fields.includes('nSources'), fields.join(','));
  assert.ok((await readdir(j.bundle)).includes('emb_cand_tc_d1.bin'));
  assert.match(r.stderr, /TC-D1: (reference|candidate) \(embedded\) started/, 'progress goes to stderr');
});

test('nb-parity --version: the package version and the bundle layout, exit 0; an unknown command exits 2', async () => {
  const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  for (const flag of ['--version', '-V']) {
    const r = await nbp([flag]);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.equal(r.stdout, `nb-parity ${pkg.version} (bundle layout nb-parity/1)`);
  }
  const bad = await nbp(['--verison']);
  assert.equal(bad.exitCode, 2);
  assert.match(bad.stderr, /unknown command "--verison"/);
});

test('nb-parity run table output, a passing YAML case exits 0, errors exit 2 with a specific message', async () => {
  const ws = await workspace();
  const pass = await nbp(['run', 'DEMO-MAT-N1/detpixels-64', '--workspace', ws, '--candidate', 'embedded', '--reference', 'embedded', '--reference-preset', 'pytorch', '--quiet']);
  assert.equal(pass.exitCode, 0, pass.stdout + pass.stderr);
  assert.match(pass.stdout, /DEMO-MAT-N1\/detpixels-64\s+PASS\s+1\.000000/);
  assert.match(pass.stdout, /bundle: .*phase_e\/\d{8}T\d{6}Z/);
  assert.equal(pass.stderr, '', '--quiet silences progress');

  const unknown = await nbp(['run', 'NOPE', '--workspace', ws, '--candidate', 'embedded', '--reference', 'embedded']);
  assert.equal(unknown.exitCode, 2);
  assert.match(unknown.stderr, /unknown case\(s\) NOPE/);
  const badEngine = await nbp(['run', '--candidate', 'matlab']);
  assert.equal(badEngine.exitCode, 2);
  assert.match(badEngine.stderr, /--candidate matlab: expected one of c, torch, embedded/);
  const noWs = await nbp(['run', '--workspace', join(ws, 'missing')]);
  assert.equal(noWs.exitCode, 2);
  assert.match(noWs.stderr, /--workspace .*missing: no such folder/);
  const badTimeout = await nbp(['run', '--timeout=-3']);
  assert.match(badTimeout.stderr, /--timeout -3: expected a positive number/);
  const noC = await nbp(['run', 'TC-D3', '--workspace', ws, '--candidate', 'embedded', '--reference', 'c']);
  assert.equal(noC.exitCode, 2);
  assert.match(noC.stderr, /no nanoBragg C binary found .*set NB_C_BIN/);
});

test('nb-parity cases lists sources and line numbers; a broken cases.json is reported (exit 1) without hiding the rest', async () => {
  const ws = await workspace();
  const ok = await nbp(['cases', '--workspace', ws]);
  assert.equal(ok.exitCode, 0, ok.stderr);
  assert.match(ok.stdout, /TC-D1\s+built-in\s+corr ≥ 0\.999, \|sum ratio − 1\| ≤ 0\.001/);
  assert.match(ok.stdout, /DEMO-MAT-N1\/detpixels-64\s+tests\/parity_cases\.yaml:\d+/);
  await mkdir(join(ws, '.nb-parity'));
  await writeFile(join(ws, '.nb-parity/cases.json'), JSON.stringify({ cases: [{ id: 'X', flags: '-N 1' }] }));
  const bad = await nbp(['cases', '--workspace', ws, '--json']);
  assert.equal(bad.exitCode, 1);
  assert.match(bad.stderr, /\.nb-parity\/cases\.json: cases\.0: missing required "thresholds"/);
  assert.equal(JSON.parse(bad.stdout).cases.length, 6);
});

test('npm run demo script: copies the demo workspace, shows the failure and its explanation, exits 0', async () => {
  const r = await execa(process.execPath, [join(ROOT, 'scripts/demo.mjs')], { reject: false });
  // The demo keeps its copy for the user to open; this test removes it (the temp folder around demo-workspace).
  const demoRoot = dirname(/demo workspace: (\S+)/.exec(r.stdout)?.[1] ?? '.');
  if (basename(demoRoot).startsWith('nb-parity-demo-')) removeAfterTests(demoRoot);
  assert.equal(r.exitCode, 0, r.stderr);
  assert.match(r.stdout, /TC-D1\s+FAIL/);
  assert.match(r.stdout, /nCells 1×1×1 vs 5×5×5/);
  const bundle = /bundle: (\S+)/.exec(r.stdout)?.[1];
  assert.ok(bundle && bundle.startsWith(tmpdir()), `absolute bundle path in a temp copy: ${bundle}`);
  const summary = await readFile(join(bundle!, 'summary.md'), 'utf8');
  assert.match(summary, /TC-D3 — ❌ fail/);
  // The Quick start promises the bundle path: it is the last line, and the same folder.
  assert.equal(r.stdout.trimEnd().split('\n').at(-1), `Evidence bundle: ${bundle}`);
});

test('Ctrl+C (SIGINT) on nb-parity run cancels: process trees killed by pid, bundle written, exit 2', async () => {
  // Stand-in programs (test/fixtures/standins) that hang and start a grandchild: the user's real programs cannot run in CI.
  const ws = await workspace();
  const pidfile = join(ws, '..', 'pids');
  const child = execa(process.execPath, [BIN, 'run', 'TC-D3', '--workspace', ws, '--c-binary', join(ROOT, 'test/fixtures/standins/nanoBragg'),
    '--python', join(ROOT, 'test/fixtures/standins/python'), '--env', 'NB_STANDIN_C_MODE=hang', '--env', 'NB_STANDIN_PY_MODE=hang',
    '--env', `NB_STANDIN_PIDFILE=${pidfile}`, '--torch-mode', 'cold'], { reject: false });
  // Wait until both stand-ins and their grandchildren are up.
  const { isAlive } = await import('../../src/core/engines/process.ts');
  let pids: number[] = [];
  for (let i = 0; i < 100 && pids.length < 4; i++) {
    await new Promise((r) => setTimeout(r, 100));
    pids = (await readFile(pidfile, 'utf8').catch(() => '')).split('\n').filter(Boolean).map(Number);
  }
  assert.ok(pids.length >= 4, `stand-ins started: ${pids}`);
  child.kill('SIGINT');
  const r = await child;
  assert.equal(r.exitCode, 2, r.stderr);
  assert.match(r.stderr, /cancelling/);
  assert.match(r.stdout, /TC-D3\s+ERROR .*cancelled/);
  await new Promise((res) => setTimeout(res, 300));
  assert.deepEqual(pids.filter(isAlive), [], 'no process left behind');
});

test('nb-parity run --explain: attribution in the table, the JSON, attribution.json, model image and readBundle', async () => {
  const ws = await workspace();
  const r = await nbp(['run', 'TC-D1', '--workspace', ws, '--candidate', 'embedded', '--reference', 'embedded', '--explain', '--json', '--quiet']);
  assert.equal(r.exitCode, 1, r.stderr);
  const j = JSON.parse(r.stdout);
  const a = j.cases[0].attribution;
  assert.equal(a.status, 'explained', JSON.stringify(a).slice(0, 400));
  assert.match(a.summary, /defaultN=5/);
  const files = await readdir(j.bundle);
  assert.ok(files.includes('attribution.json') && files.includes('model_tc_d1.bin'), files.join(', '));
  const { readBundle } = await import('../../src/core/evidence/index.ts');
  const b = await readBundle(j.bundle);
  assert.equal((b.attributions?.tc_d1 as { status: string }).status, 'explained');
  assert.match(await readFile(join(j.bundle, 'summary.md'), 'utf8'), /#### Attribution/);
});

// The C and PyTorch runners against real processes. The user's nanoBragg binary and PyTorch port cannot exist in CI,
// so these tests use STAND-IN programs (test/fixtures/standins/: `nanoBragg` and `python`, node scripts that honour
// the same command-line contract and compute images with the real embedded simulator via `nb-parity simulate`),
// switched into failure modes: crash by signal, all-NaN image with exit 0, missing output, timeout, cancel, torch 1.x.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cp, mkdir, readFile, readdir, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runParity, ParityError, type RunSettings } from '../../src/core/parity.ts';
import { isAlive, runProcess } from '../../src/core/engines/process.ts';
import { resolveCBinary } from '../../src/core/engines/c/index.ts';
import { readBundle } from '../../src/core/evidence/index.ts';
import type { Case } from '../../src/shared/types.ts';
import { copyDemoWorkspace } from '../helpers/demoWorkspace.ts';

const ROOT = join(import.meta.dirname, '../..');
const STANDIN_C = join(ROOT, 'test/fixtures/standins/nanoBragg');
const STANDIN_PY = join(ROOT, 'test/fixtures/standins/python');

const workspace = () => copyDemoWorkspace('nbp-runners-');

const SMALL: Case = {
  id: 'SMALL', label: 'small', source: 'user', fileStem: 'small', thresholds: { corrMin: 0.999, sumRatioTol: 1e-3 },
  flags: ['-mat', 'A.mat', '-N', '1', '-default_F', '100', '-distance', '100', '-lambda', '1', '-pixel', '0.1', '-detpixels', '32', '-nonoise', '-nointerpolate'],
};

function settings(env: Record<string, string>, over: Partial<RunSettings> = {}): RunSettings {
  return { allowPrograms: true, cBinary: STANDIN_C, python: STANDIN_PY, extraEnv: env, ...over };
}

async function pidsIn(file: string): Promise<number[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.split('\n').filter(Boolean).map(Number);
}

async function allGone(pids: number[], ms = 3000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (!pids.some(isAlive)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

test('C vs PyTorch stand-ins: a passing run writes the seed-named bundle with env, commands and diagnostics', async () => {
  const ws = await workspace();
  const b = await runParity({ workspace: ws, cases: [SMALL], candidate: 'torch', reference: 'c', settings: settings({ NB_STANDIN_PY_PRESET: 'c' }) });
  const c = b.cases[0];
  assert.equal(c.verdict.status, 'pass', c.verdict.reason);
  assert.equal(c.metrics?.correlation, 1);
  assert.match(b.dir, /reports\/2025-11-source-weights\/phase_e\/\d{8}T\d{6}Z$/);
  const names = await readdir(b.dir);
  for (const n of ['c_small.bin', 'py_small.bin', 'c_stdout_small.log', 'py_stdout_small.log', 'commands.txt', 'env.json', 'metrics.json',
    'correlation.txt', 'sum_ratio.txt', 'simulator_diagnostics.txt', 'summary.md', 'bundle.json', 'preview_small_reference.png']) {
    assert.ok(names.includes(n), `${n} in ${names.join(', ')}`);
  }
  const env = JSON.parse(await readFile(join(b.dir, 'env.json'), 'utf8'));
  const sha = createHash('sha256').update(await readFile(STANDIN_C)).digest('hex');
  assert.deepEqual(env.c_binary, { path: STANDIN_C, sha256: sha, origin: 'setting', frozen: false });
  assert.equal(env.python.torch_version, '0.0.0+standin');
  assert.equal(env.python.cuda_available, false);
  const commands = await readFile(join(b.dir, 'commands.txt'), 'utf8');
  assert.match(commands, new RegExp(`export KMP_DUPLICATE_LIB_OK=TRUE NB_STANDIN_PY_PRESET=c PYTHONPATH=${ws}/src &&`));
  assert.ok(commands.includes(`${STANDIN_PY} -m nanobrag_torch -mat ${ws}/A.mat`), 'absolute paths in the command');
  assert.ok(commands.includes(`cd ${b.dir}/.scratch/py_small`), 'each side ran in its own scratch folder');
  assert.equal(await readFile(join(b.dir, 'correlation.txt'), 'utf8'), 'small:1.000000\n');
  assert.equal(c.reference.cwd, join(b.dir, '.scratch/c_small'));
  // Nothing escaped into the workspace (C writes intimage.img etc. into its cwd); .nb-parity/c-runs records the C run
  // for reuse (docs/c-reuse.md), git-ignored by its own .gitignore.
  assert.deepEqual((await readdir(ws)).sort(), ['.gitignore', '.nb-parity', 'A.mat', 'README.md', 'docs', 'plans', 'reports', 'tests']);
  assert.deepEqual(await readdir(join(ws, '.nb-parity')), ['c-runs']);
  const again = await readBundle(b.dir);
  assert.equal(again.cases[0].verdict.status, 'pass');
  assert.equal(again.cases[0].metrics?.correlation, 1);
});

test('crash by signal, all-NaN image with exit 0, missing output, truncated image: specific error verdicts', async () => {
  const ws = await workspace();
  const cases = (['crash', 'nan', 'missing', 'truncated'] as const).map((mode) => ({ mode, c: { ...SMALL, id: mode, fileStem: mode } }));
  for (const { mode, c } of cases) {
    const env = mode === 'missing' ? { NB_STANDIN_PY_MODE: 'missing', NB_STANDIN_C_MODE: 'nan' } : { NB_STANDIN_C_MODE: mode, NB_STANDIN_PY_MODE: 'nan' };
    const b = await runParity({ workspace: ws, cases: [c], candidate: 'torch', reference: 'c', settings: settings(env) });
    const v = b.cases[0].verdict;
    assert.equal(v.status, 'error', `${mode}: ${v.reason}`);
    if (mode === 'crash') assert.match(v.reason, /crashed with signal SIGSEGV/);
    if (mode === 'nan') assert.match(v.reason, /every pixel.*exited 0/);
    if (mode === 'missing') assert.match(v.reason, /no image was written/);
    if (mode === 'truncated') assert.match(v.reason, /truncated image/);
    // Evidence is still written for a failed run.
    assert.ok((await readdir(b.dir)).includes('metrics.json'));
    const m = JSON.parse(await readFile(join(b.dir, 'metrics.json'), 'utf8'));
    assert.equal(m.cases[mode].verdict, 'error');
  }
});

test('timeout kills the whole process tree (child and grandchild) and says so', async () => {
  const ws = await workspace();
  const pidfile = join(ws, '..', 'pids-timeout');
  const t0 = Date.now();
  const b = await runParity({
    workspace: ws, cases: [SMALL], candidate: 'torch', reference: 'c',
    settings: settings({ NB_STANDIN_C_MODE: 'hang', NB_STANDIN_PY_MODE: 'nan', NB_STANDIN_PIDFILE: pidfile }, { timeoutMs: { reference: 1500 } }),
  });
  assert.ok(Date.now() - t0 < 15000);
  const r = b.cases[0].reference;
  assert.equal(r.timedOut, true);
  assert.match(b.cases[0].verdict.reason, /timed out/);
  const pids = await pidsIn(pidfile);
  assert.ok(pids.length >= 2, `stand-in and its grandchild recorded: ${pids}`);
  assert.ok(await allGone(pids), `still alive: ${pids.filter(isAlive)}`);
});

test('cancel (AbortSignal) kills both sides\' trees and still writes the bundle', async () => {
  const ws = await workspace();
  const pidfile = join(ws, '..', 'pids-cancel');
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 1200);
  const b = await runParity({
    workspace: ws, cases: [SMALL, { ...SMALL, id: 'SECOND', fileStem: 'second' }], candidate: 'torch', reference: 'c', signal: ac.signal,
    settings: settings({ NB_STANDIN_C_MODE: 'hang', NB_STANDIN_PY_MODE: 'hang', NB_STANDIN_PIDFILE: pidfile }),
  });
  assert.equal(b.cases[0].reference.cancelled, true);
  assert.equal(b.cases[0].candidate.cancelled, true);
  assert.equal(b.cases[1].reference.cancelled, true, 'the case not yet started is recorded as cancelled');
  assert.equal(b.cases[1].reference.command.length, 0, 'and nothing was launched for it');
  assert.match(b.cases[0].verdict.reason, /cancelled/);
  const pids = await pidsIn(pidfile);
  assert.ok(pids.length >= 4, `two stand-ins and two grandchildren: ${pids}`);
  assert.ok(await allGone(pids), `still alive: ${pids.filter(isAlive)}`);
  assert.match(await readFile(join(b.dir, 'summary.md'), 'utf8'), /cancelled/);
});

test('torch 1.x without torch.compile, and rejected flags, become specific messages', async () => {
  const ws = await workspace();
  const b = await runParity({ workspace: ws, cases: [SMALL], candidate: 'torch', reference: 'c', settings: settings({ NB_STANDIN_PY_MODE: 'torch1', NB_STANDIN_C_MODE: 'nan' }) });
  assert.match(b.cases[0].candidate.error ?? '', /NANOBRAGG_DISABLE_COMPILE=1/);
  assert.match(b.cases[0].verdict.reason, /exited with status 1.*NANOBRAGG_DISABLE_COMPILE=1/);
  const b2 = await runParity({ workspace: ws, cases: [SMALL], candidate: 'torch', reference: 'c', settings: settings({ NB_STANDIN_PY_MODE: 'badflag', NB_STANDIN_C_MODE: 'nan' }) });
  assert.match(b2.cases[0].candidate.error ?? '', /rejected the flags \(status 2\): .*unrecognized arguments: -bogus/);
  const b3 = await runParity({ workspace: ws, cases: [SMALL], candidate: 'torch', reference: 'c', settings: settings({ NB_STANDIN_C_MODE: 'nan' }, { python: join(ws, 'no-such-python') }) });
  assert.match(b3.cases[0].candidate.error ?? '', /program not found: .*no-such-python.*NB_PY_BIN/);
});

test('Restricted Mode (allowPrograms: false) launches no program and says why; embedded still runs', async () => {
  const ws = await workspace();
  for (const [candidate, reference] of [['torch', 'c'], ['embedded', 'c'], ['torch', 'embedded']] as const) {
    await assert.rejects(
      runParity({ workspace: ws, cases: [SMALL], candidate, reference, settings: settings({}, { allowPrograms: false }) }),
      (e: unknown) => e instanceof ParityError && /Restricted Mode/.test((e as Error).message) && /embedded engine on both sides/.test((e as Error).message),
    );
  }
  assert.equal(await readdir(join(ws, 'reports/2025-11-source-weights')).then((d) => d.includes('phase_e')), false, 'no bundle for a refused run');
  const b = await runParity({ workspace: ws, cases: [SMALL], candidate: 'embedded', reference: 'embedded', settings: { allowPrograms: false } });
  assert.ok(b.cases[0].metrics, b.cases[0].verdict.reason);
  assert.deepEqual(b.cases[0].candidate.info?.preset, 'pytorch');
  assert.deepEqual(b.cases[0].reference.info?.preset, 'c');
});

test('C binary resolution: NB_C_BIN, golden_suite_generator, build with make (streamed), frozen only when unbuildable', async () => {
  const ws = await workspace();
  const missing = await resolveCBinary(ws, undefined, { NB_C_BIN: join(ws, 'nope') });
  assert.equal(missing.ok, false);
  assert.match((missing as { message: string }).message, /NB_C_BIN is missing or not executable/);

  await cp(STANDIN_C, join(ws, 'nanoBragg'));
  const frozen = await resolveCBinary(ws, undefined, {});
  assert.ok(frozen.ok && frozen.binary.frozen && frozen.binary.origin === 'frozen');

  // With the C source's Makefile present, the frozen binary is NOT used: the reference gets built instead.
  await mkdir(join(ws, 'golden_suite_generator'));
  await cp(join(ROOT, 'test/fixtures/standins'), join(ws, 'standins'), { recursive: true });
  await writeFile(join(ws, 'golden_suite_generator/Makefile'), 'nanoBragg:\n\t@echo building the stand-in reference\n\tcp ../standins/nanoBragg nanoBragg\n\tchmod +x nanoBragg\n');
  const buildable = await resolveCBinary(ws, undefined, {});
  assert.equal(buildable.ok, false);
  assert.ok(!buildable.ok && buildable.buildable && /frozen \.\/nanoBragg is NOT used/.test(buildable.message));
  const log: string[] = [];
  const b = await runParity({ workspace: ws, cases: [SMALL], candidate: 'embedded', reference: 'c', settings: { allowPrograms: true, extraEnv: { NB_STANDIN_C_MODE: 'nan' } }, onLog: (l) => log.push(l) });
  assert.ok(log.some((l) => l.includes('building the stand-in reference')), log.join('\n'));
  assert.equal(b.cases[0].reference.info?.origin, 'golden_suite_generator');
  await chmod(join(ws, 'golden_suite_generator/nanoBragg'), 0o755);
});

test('runProcess: cancel of a tree whose child ignores SIGTERM ends with SIGKILL, nothing left', async () => {
  const ac = new AbortController();
  const script = "process.on('SIGTERM', () => {}); require('child_process').spawn(process.execPath, ['-e', 'process.on(\"SIGTERM\", () => {}); setInterval(() => {}, 1000)'], { stdio: 'ignore' }); setInterval(() => {}, 1000);";
  setTimeout(() => ac.abort(), 800);
  const r = await runProcess({ file: process.execPath, args: ['-e', script], cwd: tmpdir(), signal: ac.signal, killGraceMs: 300 });
  assert.equal(r.cancelled, true);
  assert.ok(r.treePids.length >= 2, `tree seen: ${r.treePids}`);
  assert.ok(await allGone(r.treePids), `still alive: ${r.treePids.filter(isAlive)}`);
});

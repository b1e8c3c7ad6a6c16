// Issue 12 item 5: SIGHUP (terminal or SSH closed) cancels `nb-parity run` exactly like SIGINT: exit 2, the
// bundle records the cancel, no stand-in process survives (checked by pid). Stand-ins (test/fixtures/standins)
// play the user's C binary and PyTorch port, which cannot run in CI. Written to fail before the fix (SIGHUP
// killed the CLI outright and left the stand-ins running).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { makeTempDir } from '../helpers/tempDirs.ts';
import { isAlive } from '../../src/core/engines/process.ts';

const ROOT = join(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/nb-parity.mjs');

/** `nb-parity run TC-D3` with hanging C and PyTorch stand-ins; resolves once the stand-ins (and their children) run. */
async function startHangingRun(prefix: string) {
  const ws = join(await makeTempDir(prefix), 'ws');
  await cp(join(ROOT, 'examples/demo-workspace'), ws, { recursive: true });
  const pidfile = join(ws, '..', 'pids');
  const child = execa(process.execPath, [BIN, 'run', 'TC-D3', '--workspace', ws, '--c-binary', join(ROOT, 'test/fixtures/standins/nanoBragg'),
    '--python', join(ROOT, 'test/fixtures/standins/python'), '--env', 'NB_STANDIN_C_MODE=hang', '--env', 'NB_STANDIN_PY_MODE=hang',
    '--env', `NB_STANDIN_PIDFILE=${pidfile}`, '--torch-mode', 'cold'], { reject: false });
  let pids: number[] = [];
  for (let i = 0; i < 100 && pids.length < 4; i++) {
    await new Promise((r) => setTimeout(r, 100));
    pids = (await readFile(pidfile, 'utf8').catch(() => '')).split('\n').filter(Boolean).map(Number);
  }
  return { child, pids };
}

test('SIGHUP on nb-parity run cancels like Ctrl+C: exit 2, cancelled in the table, no process left behind', async () => {
  const { child, pids } = await startHangingRun('nbp-hup-');
  assert.ok(pids.length >= 4, `stand-ins started: ${pids}`);
  child.kill('SIGHUP');
  const r = await child;
  try {
    assert.equal(r.exitCode, 2, `exit ${r.exitCode} signal ${r.signal}: ${r.stderr}`);
    assert.match(r.stderr, /cancelling/);
    assert.match(r.stdout, /TC-D3\s+ERROR .*cancelled/);
    await new Promise((res) => setTimeout(res, 300));
    assert.deepEqual(pids.filter(isAlive), [], 'no process left behind');
  } finally {
    for (const p of pids) { try { process.kill(p, 'SIGKILL'); } catch { /* gone */ } }
  }
});

// Issue 12 item 5: SIGKILL of the CLI runs no handler at all; the orphan guard (src/core/engines/orphanGuard.ts)
// must still take the stand-in C and PyTorch process groups down, and then go away itself. Written to fail before
// the guard existed (the hanging stand-ins were reparented to init and kept running).
test('SIGKILL of nb-parity run mid-run: the C and PyTorch stand-ins and the guard are gone (ps)', async () => {
  const { child, pids } = await startHangingRun('nbp-kill9-');
  try {
    assert.ok(pids.length >= 4, `stand-ins started: ${pids}`);
    // The guard is the /bin/sh whose parent is the CLI.
    const ps = await execa('ps', ['-o', 'pid=,ppid=,args=', '-e']);
    const guards = ps.stdout.split('\n').map((l) => l.trim().split(/\s+/)).filter((f) => Number(f[1]) === child.pid && f[2] === '/bin/sh').map((f) => Number(f[0]));
    assert.equal(guards.length, 1, `one orphan guard under the CLI:\n${ps.stdout.split('\n').filter((l) => l.includes(String(child.pid))).join('\n')}`);
    child.kill('SIGKILL');
    const r = await child;
    assert.equal(r.signal, 'SIGKILL');
    let alive = pids.filter(isAlive);
    for (let i = 0; i < 40 && (alive.length || isAlive(guards[0])); i++) {
      await new Promise((res) => setTimeout(res, 50));
      alive = pids.filter(isAlive);
    }
    assert.deepEqual(alive, [], 'no stand-in survives a SIGKILLed CLI');
    assert.equal(isAlive(guards[0]), false, 'the guard exits once its work is done');
  } finally {
    for (const p of pids) { try { process.kill(p, 'SIGKILL'); } catch { /* gone */ } }
  }
});

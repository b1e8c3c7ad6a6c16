// The per-user warm server daemon through the built CLI (bin/nb-parity.mjs → dist/cli.mjs), real processes only:
// `nb-parity run --torch-mode warm` starts it, later calls reuse it, it stops when idle, refuses unsafe runtime
// folders, sees port edits, survives nothing it should not. Both sides are the STAND-IN port (test/fixtures/standin-port,
// copied into a temporary workspace's src/): CI has no real nanobrag_torch. Each test has its own runtime folder
// (NB_PARITY_RUNTIME_DIR), so its daemon is its own, and stops it at the end.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, chownSync, existsSync, readdirSync, readFileSync, readlinkSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { REPO_ROOT } from '../helpers/demoWorkspace.ts';
import { privateRuntimeDir, standinWorkspace } from '../helpers/standinDaemon.ts';
import { beforeRemoval } from '../helpers/tempDirs.ts';

const PYTHON = process.env.NB_TEST_PYTHON ?? 'python3';
const BIN = join(REPO_ROOT, 'bin/nb-parity.mjs');

interface TorchRun { case: string; side: string; mode: string; note: string | null; verified: boolean; verification: string | null;
  host: string | null; daemon_pid: number | null; server_pid: number | null }
interface Status { pid: number; runsServed: number; activeRuns: number; socket: string; servers: { pid: number | null }[] }

const workspace = () => standinWorkspace('nb-cli-server-', { 'S-1': '', 'S-2': '-hdivsteps 5', 'S-SLOW': '-standin_sleep 41.5', 'S-MID': '-standin_sleep 4.25' });
const runtimeDir = () => privateRuntimeDir('nb-cli-rt-');

const started: string[] = [];
const nbp = (rt: string, args: string[]): ResultPromise => execa(process.execPath, [BIN, ...args],
  { reject: false, cwd: tmpdir(), env: { NB_PARITY_RUNTIME_DIR: rt } });

function run(rt: string, ws: string, cases: string[], extra: string[] = [], mode = ['--torch-mode', 'warm'], env: Record<string, string> = {}): ResultPromise {
  started.push(rt);
  return execa(process.execPath, [BIN, 'run', ...cases, '--workspace', ws, '--reference', 'torch', '--candidate', 'torch', '--python', PYTHON,
    ...mode, '--json', '--quiet', ...extra], { reject: false, cwd: tmpdir(), env: { NB_PARITY_RUNTIME_DIR: rt, ...env } });
}

function torchRuns(stdout: string): { runs: TorchRun[]; json: { bundle: string; cases: { candidate: { wallMs: number }; reference: { wallMs: number } }[] } } {
  const json = JSON.parse(stdout);
  return { runs: JSON.parse(readFileSync(join(json.bundle, 'env.json'), 'utf8')).python.torch_runs, json };
}

let lastStatusCall = '';
async function status(rt: string): Promise<Status | undefined> {
  const r = await nbp(rt, ['server', 'status', '--json']);
  lastStatusCall = `exit ${r.exitCode}: ${String(r.stdout).slice(0, 300)} ${String(r.stderr).slice(0, 600)}`;
  return r.exitCode === 0 ? JSON.parse(String(r.stdout)) : undefined;
}

const alive = (pid: number | null | undefined) => !!pid && existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
const childrenOf = (pid: number) => readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
  try { return readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1].split(' ')[1] === String(pid); } catch { return false; }
}).map(Number);

/** A process's state letter from /proc (R running, S sleeping, D disk wait, Z zombie), or 'gone'. */
const procState = (pid: number) => { try { return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[0]; } catch { return 'gone'; } };

async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 15_000, rt?: string, daemonPid?: number): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) {
      const log = rt && existsSync(join(rt, 'daemon.log')) ? `\n--- daemon.log ---\n${readFileSync(join(rt, 'daemon.log'), 'utf8')}` : '';
      const daemon = daemonPid ? ` (daemon pid ${daemonPid}: ${procState(daemonPid)}; socket file ${rt && existsSync(join(rt, 'warm-torch.sock')) ? 'present' : 'absent'})` : '';
      throw new Error(`timed out waiting for: ${what}${daemon} (last server status: ${lastStatusCall})${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

// Stop every daemon before the runtime folders go (removing its folder would stop it too, but only within a second).
beforeRemoval(async () => { for (const rt of started) await nbp(rt, ['server', 'stop']); });

describe('nb-parity run --torch-mode warm: the per-user warm server daemon (stand-in port)', () => {
  it('outlives one CLI call: the first call checks one run, the second is served warm by the same daemon and parent, without cold checks', async () => {
    const rt = runtimeDir();
    const ws = workspace();
    const first = await run(rt, ws, ['S-1'], ['--server-idle', '60']);
    assert.equal(first.exitCode, 0, String(first.stderr) + String(first.stdout));
    const a = torchRuns(String(first.stdout));
    assert.deepEqual(a.runs.map((r) => [r.mode, r.host]), [['warm', 'daemon'], ['warm', 'daemon']]);
    assert.ok(a.runs.some((r) => r.verified && /first run of a new server life/.test(String(r.verification))), JSON.stringify(a.runs));
    // Both sides start on a server that is not running yet: one is compared with a cold run, the other waits for
    // that check instead of running a cold twin of its own.
    assert.equal(a.runs.filter((r) => r.verified).length, 1, JSON.stringify(a.runs));
    assert.ok(a.runs.some((r) => !r.verified && /not compared: run 1 of this life was compared with a cold run \(first run of a new server life\)/.test(String(r.verification))), JSON.stringify(a.runs));
    // env.json's torch probe of the new life was answered by a child of its parent, not a third fresh interpreter.
    const env1 = JSON.parse(readFileSync(join(a.json.bundle, 'env.json'), 'utf8')) as { python: { probe_source: string | null } };
    assert.match(String(env1.python.probe_source), /^a child of the warm server \(server life \d+\)/);
    assert.match(readFileSync(join(a.json.bundle, 'commands.txt'), 'utf8'), /^# env\.json's torch facts: the probe .* was answered by a child of the warm server/m);
    // The parsed .nb-parity/cases.json is kept in the private runtime folder for the next call.
    assert.equal(readdirSync(rt).filter((n) => /^cases-[0-9a-f]+\.json$/.test(n)).length, 1, readdirSync(rt).join(' '));
    const s1 = await status(rt);
    assert.ok(s1, 'the daemon is still running after the CLI exited');
    assert.equal(s1.pid, a.runs[0].daemon_pid);

    const second = await run(rt, ws, ['S-1', 'S-2']);
    assert.equal(second.exitCode, 0, String(second.stderr));
    const b = torchRuns(String(second.stdout));
    for (const r of b.runs) {
      assert.equal(r.mode, 'warm');
      assert.equal(r.daemon_pid, s1.pid, 'same daemon');
      assert.equal(r.server_pid, a.runs[0].server_pid, 'same Python parent: torch stays imported between calls');
      assert.equal(r.verified, false, 'this server life was proven on its first run');
      assert.match(String(r.verification), /not compared: run 1 of this life was compared with a cold run/);
    }
    const commands = readFileSync(join(b.json.bundle, 'commands.txt'), 'utf8');
    assert.equal(commands.match(/^# verification: run \d of server life \d+, not compared/gm)?.length, 4, commands);
    // Served by the running parent: no run of this call started a Python process (speed is bench-cli's business).
    const bundleCases = JSON.parse(readFileSync(join(b.json.bundle, 'bundle.json'), 'utf8')).cases as { candidate: { info: { warmColdStart?: boolean } } }[];
    assert.deepEqual(bundleCases.map((c) => c.candidate.info.warmColdStart), [false, false]);
    assert.equal((await status(rt))?.runsServed, 6);
  });

  it('stops after its idle timeout and takes its Python parent with it', async () => {
    const rt = runtimeDir();
    const r = await run(rt, workspace(), ['S-1'], ['--idle-timeout', '1.5']); // the daemon's name for --server-idle
    assert.equal(r.exitCode, 0, String(r.stderr));
    const { runs } = torchRuns(String(r.stdout));
    assert.ok(alive(runs[0].daemon_pid) || !(await status(rt)), 'daemon ran');
    await until('idle stop', async () => !(await status(rt)));
    await until('daemon and parent gone', () => !alive(runs[0].daemon_pid) && !alive(runs[0].server_pid), 5000);
    assert.equal(existsSync(join(rt, 'warm-torch.sock')), false, 'socket file removed');
  });

  it('refuses a world-writable or foreign runtime folder with a clear note, and runs cold', async () => {
    const rt = runtimeDir();
    chmodSync(rt, 0o777);
    const r = await run(rt, workspace(), ['S-1']);
    assert.equal(r.exitCode, 0, String(r.stderr));
    for (const t of torchRuns(String(r.stdout)).runs) {
      assert.equal(t.mode, 'cold');
      assert.match(String(t.note), /warm server folder .* has mode 0777 \(group\/others may enter it\), refused: it must be 0700/);
    }
    assert.equal(existsSync(join(rt, 'warm-torch.sock')), false, 'no daemon was started there');
    if (process.getuid?.() === 0) { // as root we can make the folder another user's
      chmodSync(rt, 0o700);
      chownSync(rt, 65534, 65534);
      const f = await run(rt, workspace(), ['S-1']);
      for (const t of torchRuns(String(f.stdout)).runs) assert.match(String(t.note), /belongs to another user \(uid 65534/);
    }
  });

  it('sees port edits: the next warm run imports the edited port, is re-checked, and equals a cold run', async () => {
    const rt = runtimeDir();
    const ws = workspace();
    const before = torchRuns(String((await run(rt, ws, ['S-1'])).stdout));
    const main = join(ws, 'src/nanobrag_torch/__main__.py');
    writeFileSync(main, readFileSync(main, 'utf8').replace('* 1e-4 / n_sources', '* 3e-4 / n_sources'));
    const edited = await run(rt, ws, ['S-1']);
    const afterEdit = torchRuns(String(edited.stdout));
    assert.equal(afterEdit.runs[0].mode, 'warm');
    assert.equal(afterEdit.runs[0].server_pid, before.runs[0].server_pid, 'same parent, fresh import');
    assert.ok(afterEdit.runs.some((t) => t.verified && /port's files changed/.test(String(t.verification))), JSON.stringify(afterEdit.runs));
    const cold = await nbp(rt, ['run', 'S-1', '--workspace', ws, '--reference', 'torch', '--candidate', 'torch', '--python', PYTHON, '--torch-mode', 'cold', '--json', '--quiet']);
    const c = JSON.parse(String(cold.stdout));
    const img = (j: { bundle: string }, name: string) => readFileSync(join(j.bundle, name));
    const name = readdirSync(afterEdit.json.bundle).find((f) => /^py_.*\.bin$/.test(f) && !f.includes('ref'))!;
    assert.ok(img(afterEdit.json, name).equals(img(c, name)), 'edited warm image = cold image of the edited port');
    assert.ok(!img(afterEdit.json, name).equals(img(before.json, name)), 'the edit changed the image');
  });

  it('falls back to cold when the daemon is SIGKILLed mid-run, and its Python parent goes with it (a call run in its own process)', async () => {
    const rt = runtimeDir();
    const ws = workspace();
    await run(rt, ws, ['S-1']); // start and prove a server life, so the slow run has no cold twin
    const s = (await status(rt))!;
    const parent = s.servers[0].pid!;
    // NB_PARITY_IN_SERVER=off: this process runs the call and only its PyTorch runs go to the daemon (what a call
    // declined by a busy daemon does); the call carried out inside the daemon is in-server-calls.test.ts.
    const p = run(rt, ws, ['S-MID'], [], undefined, { NB_PARITY_IN_SERVER: 'off' });
    await until('both warm runs in flight', async () => (await status(rt))?.activeRuns === 2);
    process.kill(s.pid, 'SIGKILL');
    const r = await p;
    assert.notEqual(r.exitCode, 2, String(r.stderr));
    for (const t of torchRuns(String(r.stdout)).runs) {
      assert.equal(t.mode, 'cold');
      assert.match(String(t.note), /warm run unavailable \(the warm server daemon went away during the run/);
    }
    await until('Python parent and its children gone', () => !alive(parent) && childrenOf(parent).length === 0, 5000);
  });

  it('a SIGKILLed client leaves no run behind: its forked children are killed, the daemon keeps serving', async () => {
    const rt = runtimeDir();
    const ws = workspace();
    await run(rt, ws, ['S-1']);
    const s = (await status(rt))!;
    const parent = s.servers[0].pid!;
    const p = run(rt, ws, ['S-SLOW']);
    await until('both warm runs in flight', async () => (await status(rt))?.activeRuns === 2);
    // The parent's children are the runs and any spares (forked ahead of time, idle in the parent's folder); a run
    // works in its scratch folder inside the workspace.
    const runsIn = (dir: string) => childrenOf(parent).filter((k) => { try { return readlinkSync(`/proc/${k}/cwd`).startsWith(dir); } catch { return false; } });
    await until('two forked runs in their scratch folders', () => runsIn(realpathSync(ws)).length === 2, 5000);
    const kids = runsIn(realpathSync(ws));
    p.kill('SIGKILL');
    await p;
    await until('forked runs killed', () => kids.every((k) => !alive(k)), 5000);
    let after: Status | undefined;
    await until('the daemon answers', async () => !!(after = await status(rt)), 15_000, rt, s.pid);
    assert.equal(after!.pid, s.pid);
    assert.equal(after!.activeRuns, 0);
    await nbp(rt, ['server', 'stop']);
    await until('everything gone', () => !alive(s.pid) && !alive(parent), 5000);
  });
  it('is the default: no --torch-mode means auto (warm through the daemon); NB_PARITY_TORCH_MODE=cold opts out', async () => {
    const rt = runtimeDir();
    const ws = workspace();
    const r = await run(rt, ws, ['S-1'], [], []);
    assert.equal(r.exitCode, 0, String(r.stderr));
    assert.deepEqual(torchRuns(String(r.stdout)).runs.map((t) => [t.mode, t.host]), [['warm', 'daemon'], ['warm', 'daemon']]);
    await nbp(rt, ['server', 'stop']);
    const cold = await execa(process.execPath, [BIN, 'run', 'S-1', '--workspace', ws, '--reference', 'torch', '--candidate', 'torch',
      '--python', PYTHON, '--json', '--quiet'], { reject: false, cwd: tmpdir(), env: { NB_PARITY_RUNTIME_DIR: rt, NB_PARITY_TORCH_MODE: 'cold' } });
    assert.deepEqual(torchRuns(String(cold.stdout)).runs.map((t) => t.mode), ['cold', 'cold']);
    assert.equal(await status(rt), undefined, 'a cold call starts no daemon');
  });

  it('two calls starting at once against a dead daemon\'s leftover socket: exactly one daemon, both served warm', async () => {
    const rt = runtimeDir();
    const ws = workspace();
    await run(rt, ws, ['S-1']);
    const dead = (await status(rt))!;
    process.kill(dead.pid, 'SIGKILL');
    await until('the killed daemon and its parent gone', () => !alive(dead.pid) && !alive(dead.servers[0].pid), 5000);
    assert.ok(existsSync(join(rt, 'warm-torch.sock')), 'its socket file is left behind');
    const [a, b] = await Promise.all([run(rt, ws, ['S-1']), run(rt, ws, ['S-2'])]);
    const ra = torchRuns(String(a.stdout)).runs;
    const rb = torchRuns(String(b.stdout)).runs;
    for (const t of [...ra, ...rb]) assert.deepEqual([t.mode, t.host, t.note], ['warm', 'daemon', null], JSON.stringify(t));
    const pids = new Set([...ra, ...rb].map((t) => t.daemon_pid));
    assert.equal(pids.size, 1, `one daemon served both: ${[...pids].join(', ')}`);
    const s = (await status(rt))!;
    assert.equal(s.pid, [...pids][0], 'and it is the one still listening');
    const log = readFileSync(join(rt, 'daemon.log'), 'utf8');
    const listening = log.split('\n').filter((l) => l.includes('listening on') && !l.includes(`[${dead.pid}]`));
    assert.equal(listening.length, 1, log);
  });
});

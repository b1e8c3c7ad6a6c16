// Whole `nb-parity run` calls carried out inside the warm server daemon (src/cli/callInServer.ts → serveCalls.ts):
// real CLI processes and a real daemon, the STAND-IN port on both sides (CI has no real nanobrag_torch). Each test has
// its own runtime folder, so its daemon is its own; every daemon is stopped at the end.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { REPO_ROOT } from '../helpers/demoWorkspace.ts';
import { privateRuntimeDir, standinWorkspace } from '../helpers/standinDaemon.ts';
import { beforeRemoval, makeTempDirSync } from '../helpers/tempDirs.ts';

const PYTHON = process.env.NB_TEST_PYTHON ?? 'python3';

interface Env { cli_call: string | null; env_vars?: Record<string, string | null>; python: { torch_runs: { mode: string; host: string | null; daemon_pid: number | null }[] } }
interface Status { pid: number; activeCalls?: number; callsServed?: number; activeRuns: number; clients: number }

const workspace = () => standinWorkspace('nb-call-', { 'S-1': '', 'S-SLOW': '-standin_sleep 30', 'S-MID': '-standin_sleep 3' });
const runtimeDir = () => privateRuntimeDir('nb-call-rt-');

/** A copy of the built package (bin, dist without source maps, resources): another build of the same code. */
function packageCopy(): string {
  const dir = makeTempDirSync('nb-call-pkg-');
  for (const part of ['bin', 'resources', 'package.json']) cpSync(join(REPO_ROOT, part), join(dir, part), { recursive: true });
  cpSync(join(REPO_ROOT, 'dist'), join(dir, 'dist'), { recursive: true, filter: (f) => !f.endsWith('.map') });
  return dir;
}

const runtimes: { rt: string; pkg: string }[] = [];
beforeRemoval(async () => { for (const { rt, pkg } of runtimes) await nbp(rt, ['server', 'stop'], {}, pkg); });

function nbp(rt: string, args: string[], env: Record<string, string> = {}, pkg = REPO_ROOT, cwd = tmpdir()): ResultPromise {
  if (!runtimes.some((r) => r.rt === rt && r.pkg === pkg)) runtimes.push({ rt, pkg });
  return execa(process.execPath, [join(pkg, 'bin/nb-parity.mjs'), ...args], { reject: false, cwd, env: { NB_PARITY_RUNTIME_DIR: rt, ...env } });
}

const runArgs = (ws: string, cases: string[], extra: string[] = []) => ['run', ...cases, '--workspace', ws, '--reference', 'torch',
  '--candidate', 'torch', '--python', PYTHON, '--torch-mode', 'warm', '--json', '--quiet', ...extra];

function bundleOf(stdout: unknown): { dir: string; env: Env; commands: string } {
  const dir = (JSON.parse(String(stdout)) as { bundle: string }).bundle;
  return { dir, env: JSON.parse(readFileSync(join(dir, 'env.json'), 'utf8')) as Env, commands: readFileSync(join(dir, 'commands.txt'), 'utf8') };
}

async function status(rt: string): Promise<Status | undefined> {
  const r = await nbp(rt, ['server', 'status', '--json']);
  return r.exitCode === 0 ? JSON.parse(String(r.stdout)) as Status : undefined;
}

async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const alive = (pid: number) => existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');

describe('nb-parity run carried out inside the warm server daemon (stand-in port)', () => {
  it('the second call runs in the daemon: same verdicts and bytes as a call run in its own process, output relayed, and the evidence says where it ran', async () => {
    const rt = runtimeDir();
    const ws = workspace();
    const first = await nbp(rt, runArgs(ws, ['S-1']));
    assert.equal(first.exitCode, 0, String(first.stderr));
    assert.equal(bundleOf(first.stdout).env.cli_call, null, 'no daemon was running: the first call runs in its own process');
    const daemon = (await status(rt))!;

    // Progress is relayed to stderr, the result table to stdout, the exit code is the call's.
    const inServer = await nbp(rt, runArgs(ws, ['S-1']).filter((a) => a !== '--quiet'));
    assert.equal(inServer.exitCode, 0, String(inServer.stderr));
    assert.match(String(inServer.stderr), /S-1: candidate \(PyTorch\) started/);
    const b = bundleOf(inServer.stdout);
    assert.match(String(b.env.cli_call), new RegExp(`^carried out inside the warm server daemon \\(pid ${daemon.pid}\\) for nb-parity run \\(pid \\d+\\)`));
    assert.match(b.commands, /^# carried out inside the warm server daemon \(pid \d+\)/m);
    assert.ok(existsSync(join(b.dir, 'complete.json')));
    assert.deepEqual(b.env.python.torch_runs.map((r) => [r.mode, r.host]), [['warm', 'daemon'], ['warm', 'daemon']]);

    const local = await nbp(rt, runArgs(ws, ['S-1']), { NB_PARITY_IN_SERVER: 'off' });
    assert.equal(local.exitCode, 0, String(local.stderr));
    const l = bundleOf(local.stdout);
    assert.equal(l.env.cli_call, null, 'NB_PARITY_IN_SERVER=off runs the call in its own process');
    for (const f of readdirSync(l.dir).filter((n) => n.endsWith('.bin'))) {
      assert.ok(readFileSync(join(l.dir, f)).equals(readFileSync(join(b.dir, f))), `${f}: the same bytes either way`);
    }
    const keys = (s: unknown) => Object.keys(JSON.parse(String(s)) as object).sort();
    assert.deepEqual(keys(inServer.stdout), keys(local.stdout), 'the same --json document');
    const s = (await status(rt))!;
    assert.equal(s.pid, daemon.pid);
    assert.equal(s.callsServed, 1);
    assert.equal(s.clients, 0, 'neither the asker nor the daemon\'s own connection counts as a client');

    // A cold call never involves the daemon.
    const cold = await nbp(rt, runArgs(ws, ['S-1']).map((a) => (a === 'warm' ? 'cold' : a)));
    assert.equal(bundleOf(cold.stdout).env.cli_call, null);
  });

  it('nb-parity trace is carried out in the daemon too: the same trace diff as in its own process, filed into the case\'s bundle', async () => {
    const rt = runtimeDir();
    const ws = workspace();
    assert.equal((await nbp(rt, runArgs(ws, ['S-1']))).exitCode, 0); // starts the daemon
    // The embedded engine on both sides: a real traced pixel of the demo's TC-D3 (its -N default differs).
    const trace = (env: Record<string, string> = {}) => nbp(rt, ['trace', 'TC-D3', '--workspace', ws, '--reference', 'embedded',
      '--candidate', 'embedded', '--json'], env);
    const before = (await status(rt))!.callsServed ?? 0;
    const inServer = await trace();
    const local = await trace({ NB_PARITY_IN_SERVER: 'off' });
    assert.equal(inServer.exitCode, 1, String(inServer.stderr));
    assert.equal(local.exitCode, 1, String(local.stderr));
    assert.equal((await status(rt))!.callsServed, before + 1, 'one trace carried out in the daemon');
    const strip = (s: unknown) => { const j = JSON.parse(String(s)) as Record<string, unknown>; for (const k of ['timing', 'bundle', 'files', 'freshBundle']) delete j[k]; return j; };
    assert.deepEqual(strip(inServer.stdout), strip(local.stdout));
    const { firstDivergence } = JSON.parse(String(inServer.stdout)) as { firstDivergence: { name: string } | null };
    assert.ok(firstDivergence?.name, 'a first divergence is named');
    assert.ok(existsSync(join((JSON.parse(String(inServer.stdout)) as { bundle: string }).bundle, 'first_divergence.md')));
  });

  it('takes the caller\'s environment, working folder and umask for the call, and gives them back', async () => {
    const rt = runtimeDir();
    const ws = workspace();
    assert.equal((await nbp(rt, runArgs(ws, ['S-1']))).exitCode, 0);
    // Relative paths resolve in the caller's folder (--junit; the workspace defaults to it), the caller's variables
    // reach env.json (NB_RUN_PARALLEL is one it records), and files get the caller's umask.
    const r = await execa('sh', ['-c', `umask 027; exec "${process.execPath}" "${join(REPO_ROOT, 'bin/nb-parity.mjs')}" "$@"`, 'sh',
      'run', 'S-1', '--reference', 'torch', '--candidate', 'torch', '--python', PYTHON, '--torch-mode', 'warm', '--json', '--quiet', '--junit', 'junit.xml'],
    { reject: false, cwd: ws, env: { NB_PARITY_RUNTIME_DIR: rt, NB_RUN_PARALLEL: 'marker-7' } });
    assert.equal(r.exitCode, 0, String(r.stderr));
    const b = bundleOf(r.stdout);
    assert.match(String(b.env.cli_call), /^carried out inside the warm server daemon/);
    assert.ok(b.dir.startsWith(ws), `${b.dir} is in the caller's workspace (its working folder)`);
    assert.ok(existsSync(join(ws, 'junit.xml')), 'a relative --junit path is the caller\'s');
    assert.equal(b.env.env_vars?.NB_RUN_PARALLEL, 'marker-7');
    for (const f of readdirSync(b.dir).filter((n) => n === 'summary.md' || n.endsWith('.bin'))) {
      assert.equal(statSync(join(b.dir, f)).mode & 0o777, 0o640, `${f}: umask 027 (the PyTorch images too: the warm child takes the caller's)`);
    }
    // The next call (another environment) sees none of it.
    // A working folder removed under the caller: like a call in its own process (the workspace is absolute).
    const gone = makeTempDirSync('nb-call-gone-');
    const fromGone = execa('sh', ['-c', `cd "${gone}" && rmdir "${gone}" && exec "${process.execPath}" "${join(REPO_ROOT, 'bin/nb-parity.mjs')}" "$@"`, 'sh',
      ...runArgs(ws, ['S-1'])], { reject: false, env: { NB_PARITY_RUNTIME_DIR: rt } });
    const g = await fromGone;
    assert.equal(g.exitCode, 0, String(g.stderr));
    assert.doesNotMatch(String(g.stderr), /uv_cwd|at .*\.mjs/);
    const next = bundleOf((await nbp(rt, runArgs(ws, ['S-1']))).stdout);
    assert.match(String(next.env.cli_call), /^carried out inside/);
    assert.equal(next.env.env_vars?.NB_RUN_PARALLEL, null);
    assert.equal(statSync(join(next.dir, 'summary.md')).mode & 0o777, 0o666 & ~process.umask());
  });

  it('one call at a time: a call made while another runs in the daemon runs in its own process; Ctrl+C cancels a call in the daemon like one in its own process', async () => {
    const rt = runtimeDir();
    const ws = workspace();
    assert.equal((await nbp(rt, runArgs(ws, ['S-1']))).exitCode, 0);
    const slow = nbp(rt, runArgs(ws, ['S-SLOW']).filter((a) => a !== '--quiet'));
    await until('the slow call in flight in the daemon', async () => (await status(rt))?.activeCalls === 1 && (await status(rt))?.activeRuns === 2);
    const other = await nbp(rt, runArgs(ws, ['S-1']));
    assert.equal(other.exitCode, 0, String(other.stderr));
    const o = bundleOf(other.stdout);
    assert.equal(o.env.cli_call, null, 'declined (busy): carried out by its own process');
    assert.deepEqual(o.env.python.torch_runs.map((r) => r.mode), ['warm', 'warm'], 'its PyTorch runs still use the daemon');

    slow.kill('SIGINT');
    const r = await slow;
    assert.equal(r.exitCode, 2, 'a cancelled run exits 2, as in its own process');
    assert.match(String(r.stderr), /nb-parity run: cancelling/);
    assert.equal((JSON.parse(String(r.stdout)) as { cancelled: boolean }).cancelled, true);
    await until('the daemon has nothing in flight', async () => { const s = await status(rt); return s?.activeCalls === 0 && s.activeRuns === 0; });
  });

  it('a daemon killed during a call: the caller says so and carries the call out itself', async () => {
    const rt = runtimeDir();
    const ws = workspace();
    assert.equal((await nbp(rt, runArgs(ws, ['S-1']))).exitCode, 0);
    const daemon = (await status(rt))!;
    const p = nbp(rt, runArgs(ws, ['S-MID']));
    await until('the call in flight in the daemon', async () => (await status(rt))?.activeRuns === 2);
    process.kill(daemon.pid, 'SIGKILL');
    const r = await p;
    assert.equal(r.exitCode, 0, String(r.stderr));
    assert.match(String(r.stderr), /the warm server daemon went away before the call ended; running it in this process/);
    const b = bundleOf(r.stdout);
    assert.equal(b.env.cli_call, null);
    assert.ok(existsSync(join(b.dir, 'complete.json')));
    await until('the killed daemon is gone', () => !alive(daemon.pid), 5000);
  });

  it('another installation runs its calls itself beside the daemon; a rebuild in the daemon\'s own folder retires it', async () => {
    const rt = runtimeDir();
    const ws = workspace();
    const pkg = packageCopy();
    assert.equal((await nbp(rt, runArgs(ws, ['S-1']), {}, pkg)).exitCode, 0);
    const daemon = (await status(rt))!;
    // The repository's build is another installation: declined, nothing retires, its PyTorch runs still use the daemon.
    const other = await nbp(rt, runArgs(ws, ['S-1']));
    assert.equal(other.exitCode, 0, String(other.stderr));
    const o = bundleOf(other.stdout);
    assert.equal(o.env.cli_call, null);
    assert.deepEqual(o.env.python.torch_runs.map((r) => [r.mode, r.daemon_pid]), [['warm', daemon.pid], ['warm', daemon.pid]]);
    assert.match(readFileSync(join(rt, 'daemon.log'), 'utf8'), /declined a call from pid \d+: another installation of nb-parity/);
    assert.equal((await status(rt))!.pid, daemon.pid, 'still the same daemon');
    // A rebuild of the copy (a file of its dist/ changed): its daemon's code is stale.
    const chunk = readdirSync(join(pkg, 'dist')).find((n) => n.endsWith('.mjs'))!;
    writeFileSync(join(pkg, 'dist', chunk), `${readFileSync(join(pkg, 'dist', chunk), 'utf8')}\n`);
    const r = await nbp(rt, runArgs(ws, ['S-1']), {}, pkg);
    assert.equal(r.exitCode, 0, String(r.stderr));
    assert.equal(bundleOf(r.stdout).env.cli_call, null, 'declined: the rebuilt copy ran the call itself');
    await until('the old daemon retired', () => !alive(daemon.pid), 10_000);
    assert.match(readFileSync(join(rt, 'daemon.log'), 'utf8'), /declined a call from pid \d+: the client's nb-parity build differs .*retiring/);
    const again = bundleOf((await nbp(rt, runArgs(ws, ['S-1']), {}, pkg)).stdout);
    assert.match(String(again.env.cli_call), /^carried out inside the warm server daemon/);
    assert.notEqual((await status(rt))!.pid, daemon.pid);
  });

  it('clients that vanish mid-conversation (connection closed before the reply) never stop the daemon', async () => {
    const rt = runtimeDir();
    const ws = workspace();
    assert.equal((await nbp(rt, runArgs(ws, ['S-1']))).exitCode, 0);
    const daemon = (await status(rt))!;
    // Each asks for something and closes the connection at once: the daemon's reply meets EPIPE.
    for (let i = 0; i < 30; i++) {
      await new Promise<void>((resolve) => {
        const s = connect(join(rt, 'warm-torch.sock'));
        s.on('error', () => undefined);
        s.on('connect', () => {
          s.write(`${JSON.stringify({ type: 'hello', version: 2, pid: process.pid })}\n${JSON.stringify({ type: 'status' })}\n`);
          setTimeout(() => { s.destroy(); resolve(); }, i % 3);
        });
      });
    }
    // And a call whose caller is SIGKILLed while the daemon writes its progress.
    const p = nbp(rt, runArgs(ws, ['S-SLOW']).filter((a) => a !== '--quiet'));
    await until('the call in flight', async () => (await status(rt))?.activeRuns === 2);
    p.kill('SIGKILL');
    await p;
    await until('nothing in flight', async () => (await status(rt))?.activeCalls === 0);
    assert.equal((await status(rt))!.pid, daemon.pid, 'the same daemon still answers');
    assert.doesNotMatch(readFileSync(join(rt, 'daemon.log'), 'utf8'), /internal error/);
    const after = await nbp(rt, runArgs(ws, ['S-1']));
    assert.match(String(bundleOf(after.stdout).env.cli_call), /^carried out inside the warm server daemon/);
  });
});

// The thin client of a warm `nb-parity run` or `trace` (docs/in-server-calls.md): when the per-user warm server daemon is already
// running, the whole call (argv, working folder, complete environment, umask, terminal facts) is carried out inside it
// (serveCalls.ts), whose code is loaded and JIT-warm, and its output is written here as it comes. This process then
// loads almost nothing: on the development VM a warm call went from ≈ 0.8 s to ≈ 0.5 s. Anything else (no daemon,
// cold mode, another build, a daemon busy with another call) returns undefined and the call runs in this process as
// before; so does a daemon that went away before the call ended (after saying so).
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { codeFolder, codeIdentity } from '../core/codeIdentity.ts';
import { DAEMON_PROTOCOL, encodeLine, parseLine, stringEnv, type CallRequest, type DaemonReply } from '../core/engines/torch/warm/daemonProtocol.ts';
import { SOCKET_NAME, checkPrivateDir, connectSocket, runtimeDirPath } from '../core/engines/torch/warm/runtimeDir.ts';

/** How long a call waits for a daemon of another build to stop before running here anyway (its runs may be busy). */
const RETIRE_WAIT_MS = 1500;

/** The value of `--torch-mode` in argv (either spelling), else undefined. */
function torchModeArg(argv: readonly string[]): string | undefined {
  let mode: string | undefined;
  argv.forEach((a, i) => {
    if (a === '--torch-mode') mode = argv[i + 1];
    else if (a.startsWith('--torch-mode=')) mode = a.slice('--torch-mode='.length);
  });
  return mode;
}

/** Calls worth sending: `run` and `trace` in warm or auto mode (cold never touches the daemon), not a help text, not
 * opted out. */
export function callInServerWanted(argv: readonly string[], env: NodeJS.ProcessEnv): boolean {
  if ((argv[0] !== 'run' && argv[0] !== 'trace') || process.platform === 'win32') return false;
  if (env.NB_PARITY_IN_SERVER === 'off') return false;
  if (argv.includes('--help') || argv.includes('-h')) return false;
  const mode = torchModeArg(argv) ?? (env.NB_PARITY_TORCH_MODE || 'auto');
  return mode === 'warm' || mode === 'auto';
}

/** The call's exit code when the daemon carried it out; undefined when this process must run it. */
export async function callInServer(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number | undefined> {
  if (!callInServerWanted(argv, env)) return undefined;
  let cwd: string;
  try {
    cwd = process.cwd();
  } catch {
    return undefined; // a working folder removed under us: the call itself decides whether that matters
  }
  const dir = runtimeDirPath(env);
  let socket;
  try {
    checkPrivateDir(dir);
    socket = await connectSocket(join(dir, SOCKET_NAME));
  } catch {
    // a folder or socket we must not trust: the in-process run says why, as before
  }
  if (!socket) return undefined; // (or no daemon listening)
  return new Promise<number | undefined>((resolve) => {
    const id = `call-${process.pid}`;
    let started = false; // the daemon accepted the call (output may follow)
    let settled = false;
    const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
    let interrupts = 0;
    const onSignal = (name: NodeJS.Signals) => {
      if (!started) { settle(130, true); return; }
      // Like an in-process call: the first one cancels (the daemon kills the runs and files what ran), a second quits.
      if (++interrupts > 1) process.exit(130);
      socket.write(encodeLine({ type: 'signal', id, name: name as 'SIGINT' | 'SIGTERM' | 'SIGHUP' }));
    };
    for (const n of signals) process.on(n, onSignal);
    // The reader of our output went away (`… | head -1`): like a process killed by SIGPIPE, stop; closing the
    // connection cancels the call in the daemon. Exit 2, the code of a cancelled run.
    const onWriteError = (err: NodeJS.ErrnoException) => { if (err.code === 'EPIPE') settle(2, true); else throw err; };
    for (const s of [process.stdout, process.stderr]) s.on('error', onWriteError);
    const settle = (code: number | undefined, exitNow = false) => {
      if (settled) return;
      settled = true;
      for (const n of signals) process.off(n, onSignal);
      for (const s of [process.stdout, process.stderr]) s.off('error', onWriteError);
      socket.destroy();
      if (exitNow) process.exit(code ?? 130);
      resolve(code);
    };
    socket.on('error', () => undefined);
    socket.on('close', () => {
      if (settled) return;
      if (started) process.stderr.write(`nb-parity ${argv[0]}: the warm server daemon went away before the call ended; running it in this process\n`);
      settle(undefined);
    });
    createInterface({ input: socket }).on('error', () => undefined).on('line', (line) => { // errors: see 'close'
      const m = parseLine<DaemonReply>(line);
      if (!m) return;
      if (m.type === 'hello') {
        if (m.version !== DAEMON_PROTOCOL) { settle(undefined); return; } // the in-process run says to stop it
        const req: CallRequest = {
          type: 'call', id, argv, cwd, env: stringEnv(env), umask: process.umask(), clientPid: process.pid,
          code: codeIdentity(), codeFolder: codeFolder(),
          tty: {
            stdout: { isTTY: !!process.stdout.isTTY, columns: process.stdout.columns },
            stderr: { isTTY: !!process.stderr.isTTY, columns: process.stderr.columns },
          },
        };
        started = true;
        socket.write(encodeLine(req));
      } else if (m.type === 'out' && m.id === id) {
        (m.fd === 1 ? process.stdout : process.stderr).write(m.data);
      } else if (m.type === 'exit' && m.id === id) {
        settle(m.code);
      } else if (m.type === 'declined' && m.id === id && m.retiring) {
        // Another build's daemon stops once nothing is in flight: wait (briefly) so this call starts one of ours.
        started = false;
        setTimeout(() => settle(undefined), RETIRE_WAIT_MS).unref();
      } else if ((m.type === 'declined' && m.id === id) || m.type === 'failed') {
        started = false;
        settle(undefined);
      }
    });
    socket.write(encodeLine({ type: 'hello', version: DAEMON_PROTOCOL, pid: process.pid }));
  });
}

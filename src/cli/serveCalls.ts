// Inside the warm server daemon: carry out a thin client's `nb-parity run` or `trace` (callInServer.ts) exactly as
// the client's own process would. For the call's duration this process takes the client's environment (the real one,
// so programs and libraries see it too), working folder and umask; stdout/stderr writes go to the client with its
// terminal facts; the client's signals cancel the call. Because those are process-wide, one call at a time: a second
// client is declined and runs in its own process. Another installation is declined too; another build in this
// daemon's own folder makes it retire (its code is stale).
import type { CallHandler, CallIO } from '../core/engines/torch/warm/daemon.ts';
import type { CallRequest, TtyFacts } from '../core/engines/torch/warm/daemonProtocol.ts';
import { useCallContext } from './engineOptions.ts';
import { guardedCommand } from './usage.ts';

type Stream = NodeJS.WriteStream;

/** The commands a loop calls over and over; loaded ahead when the daemon starts (server.ts). */
export const CALLS: Record<string, () => Promise<(argv: string[]) => Promise<number>>> = {
  run: async () => (await import('./run.ts')).runCommand,
  trace: async () => (await import('./trace.ts')).traceCommand,
};

/** Point a stream's writes at the client and give it the client's terminal facts; returns the undo. */
function redirect(stream: Stream, fd: 1 | 2, io: CallIO, tty: TtyFacts): () => void {
  const saved = (['write', 'isTTY', 'columns'] as const).map((k) => [k, Object.getOwnPropertyDescriptor(stream, k)] as const);
  const write = (chunk: string | Uint8Array, encoding?: BufferEncoding | ((e?: Error | null) => void), cb?: (e?: Error | null) => void): boolean => {
    io.write(fd, typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString(typeof encoding === 'string' ? encoding : 'utf8'));
    const done = typeof encoding === 'function' ? encoding : cb;
    if (done) process.nextTick(done);
    return true;
  };
  Object.defineProperty(stream, 'write', { value: write, configurable: true, writable: true });
  Object.defineProperty(stream, 'isTTY', { value: tty.isTTY, configurable: true, writable: true });
  Object.defineProperty(stream, 'columns', { value: tty.columns, configurable: true, writable: true });
  return () => {
    for (const [k, d] of saved) {
      if (d) Object.defineProperty(stream, k, d);
      else delete (stream as unknown as Record<string, unknown>)[k];
    }
  };
}

/** Make process.env exactly `env` (setenv/unsetenv underneath); returns the undo. */
function swapEnv(env: Record<string, string>): () => void {
  const saved = { ...process.env };
  const apply = (to: NodeJS.ProcessEnv) => {
    for (const k of Object.keys(process.env)) if (!(k in to)) delete process.env[k];
    for (const [k, v] of Object.entries(to)) if (v !== undefined && process.env[k] !== v) process.env[k] = v;
  };
  apply(env);
  return () => apply(saved);
}

export function serveCalls(ownCode: string, ownFolder: string): CallHandler {
  let busy = false;
  return async (req: CallRequest, io: CallIO) => {
    // Another installation (a global one beside a checkout) shares the daemon's PyTorch servers but runs its calls
    // itself; the same folder with other files is a rebuild or an upgrade: this daemon's code is stale, it retires.
    if (req.codeFolder !== ownFolder) return { declined: `another installation of nb-parity (${req.codeFolder}; this daemon runs ${ownFolder})` };
    if (req.code !== ownCode) return { declined: 'the client\'s nb-parity build differs from the one this daemon started with', retire: true };
    if (busy) return { declined: 'busy with another call' };
    const [name, ...rest] = req.argv;
    const command = CALLS[name];
    if (!command) return { declined: `"${name}" is not carried out in the server` };
    const cwd = process.cwd();
    try {
      process.chdir(req.cwd);
    } catch (err) {
      return { declined: `cannot enter the client's working folder ${req.cwd}: ${(err as Error).message}` };
    }
    busy = true;
    const undo = [
      () => process.chdir(cwd),
      swapEnv(req.env),
      ((mask) => () => process.umask(mask))(process.umask(req.umask)),
      redirect(process.stdout, 1, io, req.tty.stdout),
      redirect(process.stderr, 2, io, req.tty.stderr),
      useCallContext({
        signals: {
          on: (n, f) => io.signals.on('signal', (name: string) => { if (name === n) f(); }),
          off: () => io.signals.removeAllListeners('signal'),
          quit: () => undefined, // the client quits by itself; its runs were cancelled by the first signal
        },
        note: `carried out inside the warm server daemon (pid ${process.pid}) for nb-parity ${name} (pid ${req.clientPid}), `
          + `in ${req.cwd}: the same code, the caller's environment, working folder and umask (docs/in-server-calls.md)`,
      }),
    ];
    try {
      const run = await command();
      return { exitCode: await guardedCommand(name, () => run(rest)) };
    } finally {
      for (const u of undo.reverse()) { try { u(); } catch { /* restore the rest */ } }
      busy = false;
    }
  };
}

// Client side of the warm server daemon (daemon.ts): one socket per process, multiplexed by run id, started on first
// use (`settings.torchServer.command`, i.e. `nb-parity server --daemon`), never keeping this process alive while idle.
// Anything that goes wrong (unsafe runtime folder, daemon will not start, other protocol version, daemon died) is a
// WarmServerError, so the dispatcher runs cold and says why.
import { spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { TorchServerSettings } from '../../../settings.ts';
import type { CheckDecision, Comparison } from './authoritative.ts';
import { DAEMON_PROTOCOL, encodeLine, parseLine, stringEnv, type DaemonReply, type DaemonRequest, type DaemonStatus } from './daemonProtocol.ts';
import type { WarmHost, WarmHostResult } from './host.ts';
import type { TorchProbe } from '../resolve.ts';
import { SOCKET_NAME, connectSocket, ensureRuntimeDir, RuntimeDirError } from './runtimeDir.ts';
import { WarmServerError, type WarmRunRequest } from './server.ts';

type Waiter = (m: DaemonReply | Error) => void;

/** Variables that shape what torch does at import time: part of the server key, and set on the daemon's parent. */
const IMPORT_ENV = /^(OMP_|MKL_|KMP_|OPENBLAS_|CUDA_|TORCH|PYTORCH_|NANOBRAGG_|PYTHON|LD_LIBRARY_PATH$|PATH$)/;

export class DaemonConnection {
  private waiters = new Map<string, Waiter>();
  private closed = false;
  constructor(private socket: Socket, readonly socketPath: string) {
    socket.unref();
    createInterface({ input: socket }).on('error', () => undefined).on('line', (line) => { // errors: see 'close'
      const m = parseLine<DaemonReply>(line);
      if (!m) return;
      const key = 'id' in m && m.id ? m.id : m.type === 'status' || m.type === 'hello' ? m.type : (m.type === 'ok' ? 'stop' : '');
      const w = this.waiters.get(key);
      if (w) { this.waiters.delete(key); w(m); }
      this.refIfBusy();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.closed = true;
      if (current === this) current = undefined;
      const err = new WarmServerError('the warm server daemon went away during the run (it was stopped or killed)', 'crashed');
      for (const w of this.waiters.values()) w(err);
      this.waiters.clear();
    });
  }

  get alive(): boolean { return !this.closed; }

  private refIfBusy(): void {
    if (this.waiters.size) this.socket.ref(); else this.socket.unref();
  }

  /** Send and wait for the reply with this key (the run id, or 'hello' / 'status' / 'stop'). */
  ask(msg: DaemonRequest, key: string): Promise<DaemonReply> {
    if (this.closed) return Promise.reject(new WarmServerError('the warm server daemon is not connected', 'crashed'));
    return new Promise((resolve, reject) => {
      this.waiters.set(key, (m) => (m instanceof Error ? reject(m) : m.type === 'failed' ? reject(new WarmServerError(m.message, m.kind)) : resolve(m)));
      this.refIfBusy();
      this.socket.write(encodeLine(msg));
    });
  }

  send(msg: DaemonRequest): void { if (!this.closed) this.socket.write(encodeLine(msg)); }
  close(): void { this.socket.destroy(); }
}

let current: DaemonConnection | undefined;
let connecting: Promise<DaemonConnection> | undefined;

async function handshake(s: Socket, path: string, anyVersion = false): Promise<DaemonConnection> {
  const c = new DaemonConnection(s, path);
  const hello = await c.ask({ type: 'hello', version: DAEMON_PROTOCOL, pid: process.pid }, 'hello');
  if (!anyVersion && (hello.type !== 'hello' || hello.version !== DAEMON_PROTOCOL)) {
    c.close();
    throw new WarmServerError(`the running warm server daemon speaks protocol ${(hello as { version?: number }).version}, this nb-parity ${DAEMON_PROTOCOL}; `
      + 'stop it with "nb-parity server stop"', 'unavailable');
  }
  return c;
}

/** Connect to the running daemon; undefined when none runs (no socket, or a dead daemon's socket). `anyVersion`: for
 * `status` and `stop`, which every protocol version answers alike (an old daemon must stay stoppable after an upgrade). */
export async function connectDaemon(env: NodeJS.ProcessEnv = process.env, anyVersion = false): Promise<DaemonConnection | undefined> {
  const path = join(ensureRuntimeDir(env), SOCKET_NAME);
  const s = await connectSocket(path);
  return s ? handshake(s, path, anyVersion) : undefined;
}

/** The daemon connection of this process, starting the daemon if none runs. */
export function daemonConnection(settings: TorchServerSettings, onLog?: (line: string) => void): Promise<DaemonConnection> {
  if (current?.alive) return Promise.resolve(current);
  connecting ??= (async () => {
    try {
      const dir = ensureRuntimeDir();
      const path = join(dir, SOCKET_NAME);
      let s = await connectSocket(path);
      if (!s) {
        const [cmd, ...args] = settings.command;
        const idle = settings.idleMs !== undefined ? ['--idle-timeout', String(settings.idleMs / 1000)] : [];
        onLog?.(`starting the warm server daemon: ${[cmd, ...args, ...idle].join(' ')}`);
        const child = spawn(cmd, [...args, ...idle], { detached: true, stdio: 'ignore', env: process.env, cwd: dir });
        child.on('error', () => undefined);
        child.unref();
        const deadline = Date.now() + (settings.startTimeoutMs ?? 30_000);
        while (!(s = await connectSocket(path)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 40));
        if (!s) throw new WarmServerError(`the warm server daemon did not come up on ${path}; see "nb-parity server status"`, 'start-failed');
      }
      current = await handshake(s, path);
      return current;
    } catch (err) {
      if (err instanceof WarmServerError) throw err;
      throw new WarmServerError(err instanceof RuntimeDirError ? err.message : `cannot reach the warm server daemon: ${(err as Error).message}`, 'unavailable');
    } finally {
      connecting = undefined;
    }
  })();
  return connecting;
}

let seq = 0;

/** A warm run served by the daemon; the same steps as LocalWarmHost, over the socket. */
export class DaemonHost implements WarmHost {
  readonly kind = 'daemon' as const;
  private id = `p${process.pid}-${++seq}`;
  private conn?: DaemonConnection;
  private overlay: Record<string, string>;

  constructor(private python: string, env: Record<string, string>, private settings: TorchServerSettings, private onLog?: (line: string) => void) {
    const own = Object.fromEntries(Object.entries(stringEnv(process.env)).filter(([k]) => IMPORT_ENV.test(k)));
    this.overlay = { ...own, ...env };
  }

  async begin(port: string): Promise<CheckDecision> {
    this.conn = await daemonConnection(this.settings, this.onLog);
    const r = await this.conn.ask({ type: 'begin', id: this.id, python: this.python, env: this.overlay, port }, this.id);
    if (r.type !== 'decision') throw new WarmServerError(`unexpected daemon reply ${r.type}`, 'rejected');
    return r.decision;
  }

  async run(req: WarmRunRequest): Promise<WarmHostResult> {
    const conn = this.conn!;
    const onAbort = () => conn.send({ type: 'cancel', id: this.id });
    req.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const baseEnv = { ...stringEnv(process.env), ...this.overlay };
      const r = await conn.ask({ type: 'run', id: this.id, argv: req.argv, cwd: req.cwd, module: req.module, timeoutMs: req.timeoutMs, baseEnv,
        umask: process.umask() }, this.id);
      if (r.type !== 'result') throw new WarmServerError(`unexpected daemon reply ${r.type}`, 'rejected');
      return r.result;
    } finally {
      req.signal?.removeEventListener('abort', onAbort);
    }
  }

  async record(life: number, port: string, why: string, cmp: Comparison): Promise<void> {
    await this.conn?.ask({ type: 'verdict', id: this.id, life, port, why, cmp }, this.id).catch(() => undefined);
  }

  release(): void { this.conn?.send({ type: 'release', id: this.id }); }
}

/** env.json's torch probe through the daemon (cached per server life there). */
export async function probeViaDaemon(settings: TorchServerSettings, python: string, env: Record<string, string>, cwd: string): Promise<TorchProbe> {
  const conn = await daemonConnection(settings);
  const id = `probe-${process.pid}-${++seq}`;
  const own = Object.fromEntries(Object.entries(stringEnv(process.env)).filter(([k]) => IMPORT_ENV.test(k)));
  const r = await conn.ask({ type: 'probe', id, python, env: { ...own, ...env }, cwd, baseEnv: stringEnv(process.env) }, id);
  if (r.type !== 'probed') throw new WarmServerError(`unexpected daemon reply ${r.type}`, 'rejected');
  return r.probe;
}

/** `nb-parity server status`: undefined when no daemon runs. */
export async function daemonStatus(env: NodeJS.ProcessEnv = process.env): Promise<DaemonStatus | undefined> {
  const c = await connectDaemon(env, true);
  if (!c) return undefined;
  try {
    const r = await c.ask({ type: 'status' }, 'status');
    return r.type === 'status' ? r : undefined;
  } finally {
    c.close();
  }
}

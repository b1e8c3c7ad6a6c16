// The per-user warm server daemon (`nb-parity server --daemon`, issue 14): a detached Node process that hosts the
// WarmTorchServer pool so warm parents outlive one CLI call. It listens on a unix socket in the private runtime folder
// (runtimeDir.ts) and speaks daemonProtocol.ts. It never outlives its purpose: it stops after `idleMs` without runs,
// when its socket file is removed or replaced, on SIGTERM/SIGINT/SIGHUP or a `stop` request; a client whose socket
// closes has its runs cancelled (their process groups killed). Its Python parents read their stdin from it, so they
// (and their children) die with it even when it is SIGKILLed.
import { createServer, createConnection, type Server, type Socket } from 'node:net';
import { chmodSync, lstatSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { EventEmitter } from 'node:events';
import { DAEMON_PROTOCOL, encodeLine, parseLine, type CallRequest, type DaemonReply, type DaemonRequest, type DaemonStatus } from './daemonProtocol.ts';
import { LocalWarmHost } from './host.ts';
import { disposeWarmServers, getWarmServer, listWarmServers } from './pool.ts';
import { probeTorch, type TorchProbe } from '../resolve.ts';
import { probeInWarmChild } from './probe.ts';
import { SOCKET_NAME, checkPrivateDir } from './runtimeDir.ts';
import { withStartLock } from './startLock.ts';
import { WarmServerError } from './server.ts';

export interface DaemonOptions {
  dir: string;
  /** Stop after this long without a run in flight (default 10 min). */
  idleMs?: number;
  log?: (line: string) => void;
  /** Carries out whole CLI calls (`call` requests); without it they are declined. Given by the CLI layer. */
  calls?: CallHandler;
}

/** What a call handler gets: its output goes to the client as written; `signals` emits 'signal' with the signal's name
 * when the client gets one, and 'SIGHUP' when the client went away (closed connection). */
export interface CallIO { write(fd: 1 | 2, data: string): void; signals: EventEmitter }
export type CallOutcome = { exitCode: number } | { declined: string; retire?: boolean };
export type CallHandler = (req: CallRequest, io: CallIO) => Promise<CallOutcome>;

interface Conn { socket: Socket; runs: Map<string, { host?: LocalWarmHost; abort?: AbortController }>; calls: Map<string, EventEmitter>; pid?: number }

/** Torch probes per server life (a torch change on disk restarts the parent: a new life, a new probe). */
class ProbeCache {
  private byLife = new Map<string, TorchProbe>();
  constructor(private log: (line: string) => void) {}
  async get(msg: { python: string; env: Record<string, string>; cwd: string; baseEnv: Record<string, string> }): Promise<TorchProbe> {
    const { key, server } = getWarmServer(msg.python, msg.env);
    const life = () => (server.pid !== undefined ? `${key}#${server.life}` : undefined);
    const before = life();
    const hit = before && this.byLife.get(before);
    if (hit) return { ...hit, source: `the warm server daemon's cache for server life ${server.life}` };
    // A new life: ask a child of the parent that the call's first run is starting, not a third cold `import torch`.
    const t0 = performance.now();
    const warm = await probeInWarmChild(server, { ...msg.baseEnv, ...msg.env });
    const probe = warm ?? await probeTorch(msg.python, msg.cwd, { ...msg.baseEnv, ...msg.env });
    this.log(`torch probe for env.json: ${warm ? `a child of server life ${server.life}` : 'a fresh interpreter'}, ${Math.round(performance.now() - t0)} ms`);
    const now = life(); // the first call's probe runs while its first run starts the parent
    if (now && !probe.error) this.byLife.set(now, probe);
    return probe;
  }
}

function socketInode(path: string): number | undefined {
  try { return lstatSync(path).ino; } catch { return undefined; }
}

/** Is a daemon answering on this socket? (A leftover file from a killed daemon refuses connections.) */
function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection(path);
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}

function listen(server: Server, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    // The socket file is created by the bind inside listen(): born 0600 (no window in which a client's check of its
    // mode could see group/other bits from a loose umask). Only around the bind: the runs' files keep the user's umask.
    const umask = process.umask(0o177);
    try {
      server.listen(path, () => { server.off('error', reject); resolve(); });
    } finally {
      process.umask(umask);
    }
  });
}

/** Listen on the socket unless a live daemon answers there; a dead daemon's leftover file is replaced. */
async function claimSocket(server: Server, dir: string, path: string): Promise<boolean> {
  return withStartLock(dir, async () => {
    try {
      await listen(server, path);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
      if (await answers(path)) return false;
      rmSync(path, { force: true }); // a dead daemon's socket file
      await listen(server, path);
      return true;
    }
  });
}

/** Serve until stopped; resolves with why it stopped ('already running' when another daemon holds the socket). */
export async function serveDaemon(opts: DaemonOptions): Promise<string> {
  const log = opts.log ?? (() => undefined);
  const idleMs = opts.idleMs ?? 10 * 60_000;
  checkPrivateDir(opts.dir);
  const socketPath = join(opts.dir, SOCKET_NAME);
  const conns = new Set<Conn>();
  const startedAt = Date.now();
  let lastActivity = Date.now();
  let active = 0;
  let served = 0;
  let calls = 0; // whole CLI calls in flight (serveCalls.ts); they keep the daemon busy like runs
  let callsServed = 0;
  let retiring: string | undefined;
  let finish!: (why: string) => void;
  const done = new Promise<string>((r) => { finish = r; });

  const probes = new ProbeCache(log);
  const server = createServer((socket) => onConnection(socket));
  if (!(await claimSocket(server, opts.dir, socketPath))) return 'already running';
  chmodSync(socketPath, 0o600);
  const inode = socketInode(socketPath);
  log(`nb-parity warm server daemon pid ${process.pid} listening on ${socketPath} (protocol ${DAEMON_PROTOCOL}, idle stop ${idleMs} ms)`);

  let stopping = false;
  const shutdown = async (why: string) => {
    if (stopping) return;
    stopping = true;
    clearInterval(watch);
    log(`stopping: ${why}`);
    server.close();
    for (const c of conns) {
      for (const r of c.runs.values()) r.abort?.abort();
      for (const k of c.calls.values()) k.emit('signal', 'SIGTERM');
      c.socket.destroy();
    }
    await disposeWarmServers();
    if (socketInode(socketPath) === inode) rmSync(socketPath, { force: true });
    finish(why);
  };
  const watch = setInterval(() => {
    if (socketInode(socketPath) !== inode) void shutdown('its socket file was removed or replaced');
    else if (active + calls === 0 && Date.now() - lastActivity >= idleMs) void shutdown(`idle for ${idleMs} ms`);
    else if (retiring && active + calls === 0) void shutdown(retiring);
  }, Math.min(1000, Math.max(100, idleMs / 4)));
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.once(sig, () => void shutdown(sig));
  // A bug must not kill the daemon silently (its stderr goes nowhere): log it, stop cleanly, let the next call restart.
  const crashed = (err: unknown) => { log(`internal error: ${(err as Error)?.stack ?? String(err)}`); void shutdown('internal error'); };
  process.on('uncaughtException', crashed);
  process.on('unhandledRejection', crashed);

  const status = (asker: Conn): DaemonStatus => ({
    type: 'status', pid: process.pid, version: DAEMON_PROTOCOL, socket: socketPath, startedAt: new Date(startedAt).toISOString(),
    uptimeMs: Date.now() - startedAt, idleMs, idleLeftMs: active + calls ? null : Math.max(0, idleMs - (Date.now() - lastActivity)),
    activeRuns: active, runsServed: served, activeCalls: calls, callsServed,
    // Other clients: not the one asking, nor the connection the calls carried out here keep back to us.
    clients: [...conns].filter((c) => c !== asker && c.pid !== process.pid).length,
    servers: listWarmServers().map(({ key, server: s }) => ({ key, python: s.python, pid: s.pid ?? null, life: s.life, torch: s.info?.torch ?? null, env: s.env })),
  });

  function onConnection(socket: Socket): void {
    const conn: Conn = { socket, runs: new Map(), calls: new Map() };
    conns.add(conn);
    const send = (m: DaemonReply) => { if (!socket.destroyed) socket.write(encodeLine(m)); };
    // A client that went away (exited, SIGKILLed) must not keep anything running.
    socket.on('close', () => {
      conns.delete(conn);
      const running = [...conn.runs.values()].filter((r) => r.abort);
      if (running.length) log(`a client went away with ${running.length} run(s) in flight: cancelling them`);
      for (const r of running) r.abort!.abort();
      for (const r of conn.runs.values()) r.host?.release(); // a first check it owed will not come
      for (const c of conn.calls.values()) c.emit('signal', 'SIGHUP'); // like a closed terminal: cancel, file what ran
    });
    socket.on('error', () => undefined);
    // readline re-emits the socket's errors (a client gone mid-write: EPIPE, ECONNRESET) on itself: without a listener
    // they would reach uncaughtException and stop the daemon. The 'close' handler above does the cleaning up.
    createInterface({ input: socket }).on('error', () => undefined).on('line', (line) => {
      const msg = parseLine<DaemonRequest>(line);
      if (!msg) { send({ type: 'failed', kind: 'rejected', message: 'bad request line' }); return; }
      void handle(conn, msg, send).catch((err: Error) => send({
        type: 'failed', id: 'id' in msg ? msg.id : undefined, kind: err instanceof WarmServerError ? err.kind : 'crashed', message: err.message,
      }));
    });
  }

  async function handle(conn: Conn, msg: DaemonRequest, send: (m: DaemonReply) => void): Promise<void> {
    if (msg.type === 'begin' || msg.type === 'run' || msg.type === 'verdict' || msg.type === 'call') lastActivity = Date.now(); // status polls do not keep it alive
    switch (msg.type) {
      case 'hello': conn.pid = msg.pid; send({ type: 'hello', version: DAEMON_PROTOCOL, pid: process.pid }); return;
      case 'status': send(status(conn)); return;
      case 'stop': send({ type: 'ok' }); await shutdown('stop requested'); return;
      case 'begin': {
        const host = new LocalWarmHost(msg.python, msg.env, log, { idleMs });
        conn.runs.set(msg.id, { host });
        send({ type: 'decision', id: msg.id, decision: await host.begin(msg.port) });
        return;
      }
      case 'run': {
        const entry = conn.runs.get(msg.id);
        if (!entry?.host) throw new WarmServerError(`run ${msg.id} was not begun`, 'rejected');
        entry.abort = new AbortController();
        active++;
        try {
          const result = await entry.host.run({ argv: msg.argv, cwd: msg.cwd, module: msg.module, timeoutMs: msg.timeoutMs,
            baseEnv: msg.baseEnv, umask: msg.umask, signal: entry.abort.signal });
          served++;
          send({ type: 'result', id: msg.id, result: { ...result, daemonPid: process.pid } });
        } finally {
          active--;
          lastActivity = Date.now();
          entry.abort = undefined;
        }
        return;
      }
      case 'verdict': {
        await conn.runs.get(msg.id)?.host?.record(msg.life, msg.port, msg.why, msg.cmp);
        conn.runs.delete(msg.id);
        send({ type: 'ok', id: msg.id });
        return;
      }
      case 'cancel': conn.runs.get(msg.id)?.abort?.abort(); return;
      case 'release': conn.runs.get(msg.id)?.host?.release(); conn.runs.delete(msg.id); return;
      case 'probe': send({ type: 'probed', id: msg.id, probe: await probes.get(msg) }); return;
      case 'call': await call(conn, msg, send); return;
      case 'signal': conn.calls.get(msg.id)?.emit('signal', msg.name); return;
    }
  }

  async function call(conn: Conn, msg: CallRequest, send: (m: DaemonReply) => void): Promise<void> {
    if (!opts.calls || retiring || stopping) {
      send({ type: 'declined', id: msg.id, reason: retiring ? `retiring: ${retiring}` : 'this daemon does not carry out calls' });
      return;
    }
    const signals = new EventEmitter();
    conn.calls.set(msg.id, signals);
    calls++;
    const t0 = performance.now();
    try {
      const outcome = await opts.calls(msg, { write: (fd, data) => send({ type: 'out', id: msg.id, fd, data }), signals });
      if ('declined' in outcome) {
        if (outcome.retire) retiring = `a client runs other code (${outcome.declined})`;
        log(`declined a call from pid ${msg.clientPid}: ${outcome.declined}${outcome.retire ? '; retiring' : ''}`);
        send({ type: 'declined', id: msg.id, reason: outcome.declined, retiring: !!retiring });
      } else {
        log(`call from pid ${msg.clientPid}: nb-parity ${msg.argv.join(' ')} → exit ${outcome.exitCode} in ${Math.round(performance.now() - t0)} ms`);
        callsServed++;
        send({ type: 'exit', id: msg.id, code: outcome.exitCode });
      }
    } finally {
      conn.calls.delete(msg.id);
      calls--;
      lastActivity = Date.now();
      // Stale code stops as soon as nothing is in flight, so the declined client's own run starts a daemon of its build.
      if (retiring && active + calls === 0) void shutdown(retiring);
    }
  }

  return done;
}

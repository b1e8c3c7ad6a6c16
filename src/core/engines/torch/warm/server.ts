// Client of one warm fork-server (resources/torch-warm-server.py): a long-lived Python parent that has imported
// torch/numpy and forks one child per `python -m nanobrag_torch` run. This class owns the parent's lifecycle:
// lazy start, idle stop, restart after a crash (once), cancel/timeout of single runs, and no orphans on dispose or
// on our own exit. Results have the shape of a cold process outcome so the runner treats both alike.
import { execa } from 'execa';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { encodeClientMessage, parseServerLine, type ClientMessage, type HelloMessage, type ServerMessage } from './protocol.ts';
import { WarmServerError, type Child, type Pending, type WarmRunRequest, type WarmRunResult, type WarmServerOptions } from './serverTypes.ts';
import { killGroup, readAndRemove } from './groups.ts';
import { resolveWarmServerScript } from './serverScript.ts';

export { WarmServerError, type WarmServerErrorKind, type WarmRunRequest, type WarmRunResult, type WarmServerOptions } from './serverTypes.ts';

const live = new Set<WarmTorchServer>();
/** Worker lives are numbered across all servers, so a life id never repeats within this process. */
let lifeCounter = 0;
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Synchronous last resort: kill every parent group and every running child group we know of.
  process.on('exit', () => { for (const s of live) s.killNow(); });
}


export class WarmTorchServer {
  readonly python: string;
  readonly env: Record<string, string>;
  private opts: WarmServerOptions;
  private child?: Child;
  private hello?: HelloMessage;
  private starting?: Promise<HelloMessage>;
  private stopping = false;
  private disposed = false;
  private pending = new Map<string, Pending>();
  private tmpDir?: string;
  private idleTimer?: NodeJS.Timeout;
  private stderrTail = '';
  private seq = 0;
  private lastCrash?: string;
  /** Id of the current (or last) parent process, unique in this Node process: one "worker life". */
  life = 0;
  crashes = 0;

  constructor(opts: WarmServerOptions) {
    this.opts = opts;
    this.python = opts.python;
    this.env = { ...(opts.env ?? {}) };
  }

  /** Where server events are logged; a pooled server follows the latest caller (the run that is using it). */
  setLog(onLog: ((line: string) => void) | undefined): void {
    if (onLog) this.opts.onLog = onLog;
  }

  /** Facts from the running parent (interpreter, torch/numpy versions), if it is up. */
  get info(): HelloMessage | undefined { return this.hello; }
  get pid(): number | undefined { return this.child?.pid; }
  /** Pids of the children running right now (each is also a process group id). */
  get runningPids(): number[] { return [...this.pending.values()].flatMap((p) => (p.pid ? [p.pid] : [])); }

  /** The parent's hello once a run has started it: waits up to `timeoutMs`, never starts one (undefined: none came). */
  async whenRunning(timeoutMs: number): Promise<HelloMessage | undefined> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      if (this.child && this.hello && !this.stopping) return this.hello;
      if (this.starting) return this.starting.catch(() => undefined);
      if (this.disposed || Date.now() >= end) return undefined;
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Start the parent now (normally lazy). Resolves with its hello. */
  async start(): Promise<HelloMessage> {
    if (this.disposed) throw new WarmServerError('the warm PyTorch server was disposed', 'disposed');
    // A parent that is shutting down (idle stop, stale restart) cannot take new runs: wait for it to go.
    if (this.child && this.stopping) await this.child.exited;
    if (this.disposed) throw new WarmServerError('the warm PyTorch server was disposed', 'disposed');
    if (this.child && this.hello) return this.hello;
    if (this.starting) return this.starting;
    const limit = this.opts.maxRestarts ?? 1;
    if (this.crashes > limit) {
      throw new WarmServerError(`the warm PyTorch server for ${this.python} crashed ${this.crashes} times `
        + `(last: ${this.lastCrash ?? 'unknown'}); PyTorch runs fall back to cold runs`, 'unavailable');
    }
    this.starting = this.spawn().finally(() => { this.starting = undefined; });
    return this.starting;
  }

  private spawn(): Promise<HelloMessage> {
    installExitHook();
    const script = this.opts.scriptPath ?? resolveWarmServerScript();
    this.stopping = false;
    this.stderrTail = '';
    // Run outputs go to a private folder that the parent removes when it exits (even if we are SIGKILLed).
    const outputDir = mkdtempSync(join(tmpdir(), 'nb-parity-warm-'));
    const n = sparesFor(this.opts.spares);
    const spares = n === undefined ? [] : ['--spares', String(n)];
    const sub = execa(this.python, [script, '--output-folder', outputDir, ...spares], {
      env: this.env, extendEnv: true, detached: true, cleanup: false, reject: false, buffer: false,
      stdin: 'pipe', stdout: 'pipe', stderr: 'pipe',
    });
    const spawnFailed = new Promise<Error>((resolve) => sub.once('error', resolve));
    const exited = sub.then((r) => ({ exitCode: r.exitCode, signal: r.signal ?? undefined, failed: r.failed, message: r.originalMessage }));
    if (sub.pid === undefined) {
      rmSync(outputDir, { recursive: true, force: true });
      return Promise.reject(new WarmServerError(`could not start the warm PyTorch server: interpreter ${this.python} `
        + 'was not found or is not executable; choose a Python interpreter (nbParity.selectPython) or use cold runs', 'start-failed'));
    }
    const pid = sub.pid;
    const streams = [sub.stdin, sub.stdout, sub.stderr] as unknown as { ref?(): void; unref?(): void }[];
    const child: Child = {
      pid, stdin: sub.stdin!, stdout: sub.stdout!, stderr: sub.stderr!,
      unref: () => { sub.unref(); for (const s of streams) s.unref?.(); },
      ref: () => { sub.ref(); for (const s of streams) s.ref?.(); },
      exited,
    };
    this.child = child;
    this.life = ++lifeCounter;
    this.tmpDir = outputDir;
    live.add(this);
    // A read or write error on the parent's pipes means it went away: the exit handler reports that; unhandled, the
    // error would be an uncaught exception (in the daemon: an internal error that stops it).
    for (const stream of [child.stdin, child.stdout, child.stderr]) stream.on('error', () => { /* see above */ });
    child.stderr.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString()).slice(-4000);
    });

    return new Promise<HelloMessage>((resolve, reject) => {
      let settled = false;
      const fail = (err: WarmServerError) => { if (!settled) { settled = true; clearTimeout(timer); reject(err); } };
      const timeoutMs = this.opts.startTimeoutMs ?? 120_000;
      const timer = setTimeout(() => {
        fail(new WarmServerError(`the warm PyTorch server (${this.python}) did not start within ${timeoutMs} ms; `
          + `its stderr: ${this.tail()}`, 'start-failed'));
        this.lastCrash = 'start timeout';
        this.crashes += 1;
        this.stopping = true; // counted here, not again by the exit handler
        killGroup(pid);
      }, timeoutMs);
      const lines = createInterface({ input: child.stdout });
      lines.on('line', (line) => {
        const msg = parseServerLine(line);
        if (!msg) { this.opts.onLog?.(`warm server: ${line}`); return; }
        if (msg.type === 'hello') {
          this.hello = msg;
          if (!settled) { settled = true; clearTimeout(timer); resolve(msg); }
          this.opts.onLog?.(`warm PyTorch server pid ${msg.pid} ready: python ${msg.python}, torch ${msg.torch ?? 'not installed'}, `
            + `numpy ${msg.numpy ?? 'not installed'}, pre-import ${msg.importMs} ms`);
          return;
        }
        this.onMessage(msg);
      });
      void spawnFailed.then((err) => fail(new WarmServerError(`could not start the warm PyTorch server with ${this.python}: `
        + `${err.message}; choose a Python interpreter or use cold runs`, 'start-failed')));
      void exited.then((r) => {
        const how = r.signal ? `signal ${r.signal}` : `exit code ${r.exitCode}`;
        if (!settled) {
          this.crashes += 1;
          this.stopping = true;
          this.lastCrash = `exited during start-up (${how})`;
          fail(new WarmServerError(`the warm PyTorch server (${this.python}) exited during start-up (${how}); `
            + `its stderr: ${this.tail()}`, 'start-failed'));
        }
        this.onExit(child, how);
      });
    });
  }

  private tail(): string {
    return this.stderrTail.trim().split('\n').slice(-6).join(' | ') || '(empty)';
  }

  private onMessage(msg: ServerMessage): void {
    if (msg.type === 'error') { this.opts.onLog?.(`warm server error: ${msg.message}`); return; }
    if (msg.type === 'pong' || msg.type === 'hello') return;
    const p = this.pending.get(msg.id);
    if (!p) return;
    if (msg.type === 'started') {
      p.pid = msg.pid;
      if (p.cancelled || p.timedOut) killGroup(msg.pid);
      return;
    }
    if (msg.type === 'done') p.settle(msg);
    else if (msg.type === 'rejected') p.settle({ type: 'rejected', reason: msg.reason, message: msg.message });
  }

  private onExit(child: Child, how: string): void {
    if (this.child !== child) return;
    const expected = this.stopping || this.disposed;
    this.child = undefined;
    this.hello = undefined;
    live.delete(this);
    if (!expected) {
      this.crashes += 1;
      this.lastCrash = how;
      this.opts.onLog?.(`warm PyTorch server pid ${child.pid} died (${how}); stderr: ${this.tail()}`);
    }
    for (const p of this.pending.values()) {
      // PR_SET_PDEATHSIG kills the children on Linux; this covers the rest and anything they spawned.
      if (p.pid) killGroup(p.pid);
      p.settle(new WarmServerError(`the warm PyTorch server died during the run (${how})`, 'crashed'));
    }
    if (this.tmpDir) { rmSync(this.tmpDir, { recursive: true, force: true }); this.tmpDir = undefined; }
  }

  private send(msg: ClientMessage): void {
    this.child?.stdin.write(encodeClientMessage(msg));
  }

  /** Run `python -m <module> argv` in a forked child. Never throws for a failed run; throws WarmServerError
   * when the warm path itself cannot serve it (then the caller runs cold). */
  async run(req: WarmRunRequest): Promise<WarmRunResult> {
    const t0 = performance.now();
    let coldStart = false;
    for (let attempt = 0; ; attempt++) {
      if (req.signal?.aborted) return this.abandoned(t0, coldStart, false);
      this.holdOpen();
      const lifeBefore = this.child && this.hello && !this.stopping ? this.life : -1;
      let aborted = false;
      try {
        await this.withAbort(this.start(), req.signal, () => { aborted = true; });
      } finally {
        this.releaseIfIdle();
      }
      if (this.life !== lifeBefore) coldStart = true;
      if (aborted) return this.abandoned(t0, coldStart, false);
      const out = await this.runOnce(req, t0, coldStart);
      if ('stale' in out) {
        if (attempt > 0) throw new WarmServerError(`the warm PyTorch server keeps reporting: ${out.stale}`, 'rejected');
        this.opts.onLog?.(`warm PyTorch server restarting: ${out.stale}`);
        await this.stop();
        continue;
      }
      return out;
    }
  }

  private abandoned(t0: number, coldStart: boolean, timedOut: boolean): WarmRunResult {
    return { stdout: '', stderr: '', cancelled: !timedOut, timedOut, wallMs: performance.now() - t0, serverLife: this.life, coldStart };
  }

  private async withAbort<T>(p: Promise<T>, signal: AbortSignal | undefined, onAbort: () => void): Promise<T | undefined> {
    if (!signal) return p;
    return new Promise<T | undefined>((resolve, reject) => {
      const abort = () => { onAbort(); resolve(undefined); };
      signal.addEventListener('abort', abort, { once: true });
      p.then((v) => { signal.removeEventListener('abort', abort); resolve(v); },
        (e) => { signal.removeEventListener('abort', abort); reject(e); });
    });
  }

  private runOnce(req: WarmRunRequest, t0: number, coldStart: boolean): Promise<WarmRunResult | { stale: string }> {
    const child = this.child;
    const tmp = this.tmpDir;
    if (!child || !tmp) return Promise.reject(new WarmServerError('the warm PyTorch server is not running', 'crashed'));
    const id = `r${++this.seq}`;
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...(req.baseEnv ?? process.env), ...this.env, ...(req.env ?? {}) })) if (v !== undefined) env[k] = v;
    const serverPid = child.pid;
    const life = this.life;
    this.holdOpen();
    return new Promise((resolve, reject) => {
      const p: Pending = {
        id, startedAt: performance.now(), cancelled: false, timedOut: false,
        stdoutPath: join(tmp, `${id}.stdout`), stderrPath: join(tmp, `${id}.stderr`),
        settle: () => { /* replaced below */ },
      };
      const stopRun = (why: 'cancel' | 'timeout') => {
        if (why === 'cancel') p.cancelled = true; else p.timedOut = true;
        if (p.pid) killGroup(p.pid); // fastest, and works even if the parent is stuck
        this.send({ type: 'cancel', id });
      };
      const onAbort = () => stopRun('cancel');
      req.signal?.addEventListener('abort', onAbort, { once: true });
      const timer = req.timeoutMs && req.timeoutMs > 0 ? setTimeout(() => stopRun('timeout'), req.timeoutMs) : undefined;
      let done = false;
      p.settle = (m) => {
        if (done) return;
        done = true;
        if (timer) clearTimeout(timer);
        req.signal?.removeEventListener('abort', onAbort);
        this.pending.delete(id);
        this.releaseIfIdle();
        const stdout = readAndRemove(p.stdoutPath);
        const stderr = readAndRemove(p.stderrPath);
        const base = { stdout, stderr, cancelled: p.cancelled, timedOut: p.timedOut, wallMs: performance.now() - t0, pid: p.pid, serverPid, serverLife: life, coldStart };
        if (m instanceof Error) {
          // A run we were stopping anyway is a cancel, not a crash.
          if (p.cancelled || p.timedOut) resolve({ ...base, signal: 'SIGKILL' });
          else reject(m);
          return;
        }
        if (m.type === 'rejected') {
          if (m.reason === 'stale') resolve({ stale: m.message });
          else reject(new WarmServerError(`the warm PyTorch server refused the run: ${m.message}`, 'rejected'));
          return;
        }
        resolve({ ...base, pid: m.pid, exitCode: m.exitCode ?? undefined, signal: m.signal ?? undefined, childMs: m.wallMs, spare: m.spare === true });
      };
      this.pending.set(id, p);
      this.send({ type: 'run', id, argv: req.argv, cwd: req.cwd, env, stdoutPath: p.stdoutPath, stderrPath: p.stderrPath, module: req.module,
        umask: req.umask ?? process.umask() });
      if (req.signal?.aborted) onAbort();
    });
  }

  /** While runs are in flight the parent keeps Node alive; when idle it must not (the CLI should exit). */
  private holdOpen(): void {
    if (this.idleTimer) { clearTimeout(this.idleTimer); this.idleTimer = undefined; }
    this.child?.ref();
  }

  private releaseIfIdle(): void {
    if (this.pending.size > 0 || this.starting || this.stopping) return; // stopping: stay referenced until the exit
    this.child?.unref();
    if (this.idleTimer) clearTimeout(this.idleTimer);
    const idleMs = this.opts.idleMs ?? 10 * 60_000;
    this.idleTimer = setTimeout(() => {
      this.opts.onLog?.(`warm PyTorch server idle for ${idleMs} ms: stopping it`);
      void this.stop();
    }, idleMs);
    this.idleTimer.unref();
  }

  /** Stop the parent (and its children); a later run starts a new one. */
  async stop(graceMs = 2000): Promise<void> {
    if (this.idleTimer) { clearTimeout(this.idleTimer); this.idleTimer = undefined; }
    const child = this.child;
    if (!child) {
      if (this.starting) await this.starting.catch(() => undefined);
      if (!this.child) return;
      return this.stop(graceMs);
    }
    this.stopping = true;
    child.ref(); // keep Node alive until the parent has really gone
    for (const p of this.pending.values()) p.cancelled = true; // their children die with the parent: a cancel, not a crash
    try { child.stdin.end(encodeClientMessage({ type: 'shutdown' })); } catch { /* already closed */ }
    const timer = new Promise<'timeout'>((r) => { const t = setTimeout(() => r('timeout'), graceMs); t.unref(); });
    if (await Promise.race([child.exited, timer]) === 'timeout') killGroup(child.pid);
    await child.exited;
    for (const p of [...this.pending.values()]) if (p.pid) killGroup(p.pid);
  }

  /** Stop for good: no further runs are accepted. */
  async dispose(): Promise<void> {
    this.disposed = true;
    await this.stop();
  }

  /** Synchronous kill of the parent's group and all running children (process exit hook). */
  killNow(): void {
    for (const pid of this.runningPids) killGroup(pid);
    if (this.child) killGroup(this.child.pid);
    if (this.tmpDir) { try { rmSync(this.tmpDir, { recursive: true, force: true }); } catch { /* best effort */ } }
  }
}

/**
 * Spares of a new parent: the option, else NB_PARITY_WARM_SPARES (a whole number; 0 = none, for a machine short of
 * memory: each idle spare holds ≈ 170 MiB with the real port), else the script's default (one per CPU, at most 2).
 */
export function sparesFor(option: number | undefined, env: NodeJS.ProcessEnv = process.env): number | undefined {
  if (option !== undefined) return option;
  const v = env.NB_PARITY_WARM_SPARES?.trim();
  return v && /^\d+$/.test(v) ? Math.min(Number(v), 8) : undefined;
}

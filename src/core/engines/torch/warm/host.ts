// Where warm runs are served: in this process (the extension: a pool of WarmTorchServer parents that lives as long
// as the extension host) or by the per-user daemon (the CLI: `nb-parity server`, see daemon.ts), which uses this same
// LocalWarmHost on its side. Both keep the authoritative book next to the servers, so a daemon's checks outlive
// the CLI call that made them.
import type { CheckDecision, Comparison } from './authoritative.ts';
import { authoritativeBook, type AuthoritativeBook } from './authoritative.ts';
import { getWarmServer } from './pool.ts';
import type { HelloMessage } from './protocol.ts';
import type { WarmRunRequest, WarmRunResult } from './server.ts';

export type WarmHostResult = WarmRunResult & { hello?: HelloMessage; daemonPid?: number };

export interface WarmHost {
  readonly kind: 'in-process' | 'daemon';
  /** Count the run in the book and say whether it is checked (throws WarmServerError when warm is unavailable). */
  begin(port: string): Promise<CheckDecision>;
  run(req: WarmRunRequest): Promise<WarmHostResult>;
  /** The outcome of a check made for `run`'s server life. */
  record(life: number, port: string, why: string, cmp: Comparison): Promise<void>;
  /** The run is over (checked or not): runs waiting for the first check of the life it started may go on. */
  release(): void;
}

/**
 * Server keys whose first run (the one that starts the parent) is being checked against a cold twin. Runs of the same
 * key that arrive meanwhile (the other cases of a matrix, the other side of a case) wait for that check instead of
 * each running a cold twin of its own: on a 2-core machine N cold imports of torch next to the parent's would cost
 * more than the wait. The wait ends with the check's outcome, when the starting run ends without one (it failed to
 * start the server, was cancelled, its client went away), or after FIRST_CHECK_WAIT_MS; then the run decides again.
 */
const firstChecks = new Map<string, { done: Promise<void>; end: () => void }>();
const FIRST_CHECK_WAIT_MS = 5 * 60_000;

function waitFor(done: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([done, new Promise<void>((r) => { timer = setTimeout(r, ms); })]).finally(() => clearTimeout(timer));
}

/** One run's view of the pooled server for (interpreter, environment overlay). */
export class LocalWarmHost implements WarmHost {
  readonly kind = 'in-process' as const;
  private key: string;
  private server;
  private startsLife = false;

  constructor(python: string, env: Record<string, string>, onLog?: (line: string) => void, opts: { idleMs?: number } = {},
    private book: AuthoritativeBook = authoritativeBook) {
    const { key, server } = getWarmServer(python, env, { onLog, idleMs: opts.idleMs });
    this.key = key;
    this.server = server;
  }

  get serverKey(): string { return this.key; }

  async begin(port: string): Promise<CheckDecision> {
    for (;;) {
      const running = this.server.pid !== undefined;
      const pending = running ? undefined : firstChecks.get(this.key);
      if (pending) { await waitFor(pending.done, FIRST_CHECK_WAIT_MS); continue; }
      this.startsLife = !running;
      if (this.startsLife) {
        let end!: () => void;
        const done = new Promise<void>((r) => { end = r; });
        const entry = { done, end: () => { if (firstChecks.get(this.key) === entry) firstChecks.delete(this.key); end(); } };
        firstChecks.set(this.key, entry);
        this.endFirstCheck = entry.end;
      }
      return this.book.decide(this.key, running ? this.server.life : undefined, port);
    }
  }

  async run(req: WarmRunRequest): Promise<WarmHostResult> {
    let r: WarmHostResult;
    try {
      r = await this.server.run(req);
    } catch (err) {
      this.release(); // no check will come from this run
      throw err;
    }
    if (this.startsLife || r.coldStart) this.book.adopt(this.key, r.serverLife);
    if (r.cancelled || r.timedOut) this.release();
    return { ...r, hello: this.server.info };
  }

  async record(life: number, port: string, why: string, cmp: Comparison): Promise<void> {
    this.book.record(this.key, life, port, why, cmp);
    this.release();
  }

  /** This run will not (or did) report the first check: let the runs waiting for it go on. */
  release(): void {
    this.endFirstCheck?.();
    this.endFirstCheck = undefined;
  }

  private endFirstCheck?: () => void;
}

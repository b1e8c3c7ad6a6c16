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
    const running = this.server.pid !== undefined;
    this.startsLife = !running;
    return this.book.decide(this.key, running ? this.server.life : undefined, port);
  }

  async run(req: WarmRunRequest): Promise<WarmHostResult> {
    const r = await this.server.run(req);
    if (this.startsLife || r.coldStart) this.book.adopt(this.key, r.serverLife);
    return { ...r, hello: this.server.info };
  }

  async record(life: number, port: string, why: string, cmp: Comparison): Promise<void> {
    this.book.record(this.key, life, port, why, cmp);
  }
}

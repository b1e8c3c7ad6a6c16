// Progress of `nb-parity run` on stderr. On a terminal: one live line rewritten in place (done/total, pass/fail/error,
// ETA, what is running), with log lines and each failing run printed above it. Elsewhere (a pipe, a CI log): today's
// plain lines, one per event. `--quiet` uses neither.
import type { CaseResult, ProgressEvent } from '../../shared/types.ts';

export interface ProgressStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

const CLEAR = '\r\x1b[2K';

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  return h ? `${h}:${String(m).padStart(2, '0')}:${String(r).padStart(2, '0')}` : `${m}:${String(r).padStart(2, '0')}`;
}

export class RunProgress {
  private done = 0;
  private counts = { pass: 0, fail: 0, error: 0 };
  private running = new Set<string>();
  private shown = false;
  private timer?: NodeJS.Timeout;
  private finished = false;
  private readonly quiet: boolean;
  private readonly now: () => number;
  private readonly live: boolean;
  private readonly started: number;

  constructor(private readonly out: ProgressStream, private readonly total: number, opts: { quiet?: boolean; now?: () => number; tickMs?: number } = {}) {
    this.quiet = !!opts.quiet;
    this.now = opts.now ?? (() => performance.now());
    this.live = !this.quiet && !!out.isTTY;
    this.started = this.now();
    // Elapsed time and ETA move even while nothing finishes; unref'd so it never keeps the process alive.
    if (this.live && opts.tickMs !== 0) { this.timer = setInterval(() => this.draw(), opts.tickMs ?? 1000); this.timer.unref(); }
  }

  onProgress = (e: ProgressEvent): void => {
    if (this.quiet || /\d+%$/.test(e.message)) return;
    if (!this.live) { this.out.write(`  ${e.message}\n`); return; }
    if (e.caseId && e.side && e.fraction === 0) this.running.add(e.caseId);
    this.draw();
  };

  onLog = (line: string): void => {
    if (this.quiet) return;
    this.above(`  ${line}`);
  };

  onCaseDone = (r: CaseResult): void => {
    this.done++;
    this.counts[r.verdict.status]++;
    this.running.delete(r.caseId);
    if (this.live && r.verdict.status !== 'pass') this.above(`  ${r.verdict.status === 'fail' ? '✗' : '!'} ${r.caseId}: ${r.verdict.status} — ${r.verdict.reason}`);
    else this.draw();
  };

  /** The live line's text (also what the tests read). */
  line(): string {
    const elapsed = this.now() - this.started;
    const eta = this.done && this.done < this.total ? formatDuration((elapsed / this.done) * (this.total - this.done)) : this.done ? '0:00' : '–';
    const { pass, fail, error } = this.counts;
    const run = [...this.running];
    const now = run.length ? ` · running ${run[0]}${run.length > 1 ? ` +${run.length - 1}` : ''}` : '';
    const text = `[${this.done}/${this.total}] ${pass} pass, ${fail} fail, ${error} error · ${formatDuration(elapsed)} elapsed, ETA ${eta}${now}`;
    const width = this.out.columns && this.out.columns > 10 ? this.out.columns - 1 : 0;
    return width && text.length > width ? `${text.slice(0, width - 1)}…` : text;
  }

  /** Clears the live line for good (before the result table goes to stdout). */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.finished = true;
    if (this.live && this.shown) this.out.write(CLEAR);
    this.shown = false;
  }

  private draw(): void {
    if (!this.live || this.finished) return;
    this.out.write(`${CLEAR}${this.line()}`);
    this.shown = true;
  }

  private above(text: string): void {
    if (!this.live) { this.out.write(`${text}\n`); return; }
    this.out.write(`${CLEAR}${text}\n`);
    this.shown = false;
    this.draw();
  }
}

// The results panel's first paint, measured from the bundle's completion (complete.json `finishedAt`) to the
// webview's first image drawn on screen (its Date.now(); same machine, so the clocks agree). Logged, not asserted:
// the e2e scenario '7-first-paint' prints it (issue 15's speed goal: ≤ 1 s at 1024²). The line also lists where the
// time went: the host's steps (this timeline) and the webview's (its marks), each relative to the completion.
import { readCompletion } from '../../core/evidence/completion.ts';
import type { PaintedMessage } from '../../shared/messages.ts';

/** Epoch ms of the host's steps for one panel: panel-level ones kept, bundle-level ones reset per bundle shown. */
export class PaintTimeline {
  private readonly marks = new Map<string, number>();
  /** When the bundle was complete, if the run told us (complete.json's first `finishedAt`; a refresh moves it). */
  completedAt?: number;

  /** First occurrence only (a second snapshot or image of the same bundle does not move it). */
  mark(name: string, at = Date.now()): void {
    if (!this.marks.has(name)) this.marks.set(name, at);
  }

  /** Always the latest (the webview says `ready` again after it was hidden). */
  set(name: string, at = Date.now()): void {
    this.marks.set(name, at);
  }

  private readonly completions = new Map<string, number>();
  /** When a run's bundle was complete (noted by the run, before the panel loads it). */
  completed(dir: string, at: number): void {
    this.completions.set(dir, at);
  }

  /** A new bundle: its own snapshot/image times (panel creation and `ready` stay). */
  newBundle(dir: string): void {
    for (const k of ['snapshotPosted', 'imagePosting', 'imagePosted']) this.marks.delete(k);
    this.completedAt = this.completions.get(dir);
    this.mark('load');
  }

  entries(): [string, number][] {
    return [...this.marks];
  }
}

/** "name +123, other +456" in time order, relative to `zero` (negative: before the bundle was complete). */
export function breakdown(host: [string, number][], webview: Record<string, number> | undefined, zero: number): string {
  const all = [...host.map(([k, t]) => [`host ${k}`, t] as const), ...Object.entries(webview ?? {}).map(([k, t]) => [`webview ${k}`, t] as const)];
  all.sort((a, b) => a[1] - b[1]);
  return all.map(([k, t]) => `${k} ${t - zero >= 0 ? '+' : ''}${Math.round(t - zero)}`).join(', ');
}

export function logFirstPaint(log: { info(line: string): void }, bundleDir: string, msg: PaintedMessage, timeline?: PaintTimeline): void {
  const done = timeline?.completedAt;
  const completion = done !== undefined ? Promise.resolve(done)
    : readCompletion(bundleDir).then((c) => (c.finishedAt ? Date.parse(c.finishedAt) : NaN), () => NaN);
  void completion.then((at) => {
    const known = Number.isFinite(at);
    const after = known ? `${Math.round(msg.at - at)} ms after complete.json` : 'bundle has no completion time';
    const steps = known ? ` — ${breakdown(timeline?.entries() ?? [], msg.marks, at)}` : '';
    log.info(`results panel first paint: ${msg.caseId} ${msg.role}${msg.binning > 1 ? ` (${msg.binning}× preview)` : ''}, ${after}${steps}`);
  });
}

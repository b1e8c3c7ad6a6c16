// The results panel's first paint, measured from the bundle's completion (complete.json `finishedAt`) to the
// webview's first image drawn on screen (its Date.now(); same machine, so the clocks agree). Logged, not asserted:
// the e2e scenario 'first-paint' prints it (issue 15's speed goal: ≤ 1 s at 1024²).
import { readCompletion } from '../../core/evidence/completion.ts';
import type { PaintedMessage } from '../../shared/messages.ts';

export function logFirstPaint(log: { info(line: string): void }, bundleDir: string, msg: PaintedMessage): void {
  void readCompletion(bundleDir).then((c) => {
    const done = c.finishedAt ? Date.parse(c.finishedAt) : NaN;
    const after = Number.isFinite(done) ? `${Math.round(msg.at - done)} ms after complete.json` : 'bundle has no completion time';
    log.info(`results panel first paint: ${msg.caseId} ${msg.role}${msg.binning > 1 ? ` (${msg.binning}× preview)` : ''}, ${after}`);
  }, () => undefined);
}

// Previews are for people, not for the verdict: encode them while the next case simulates (the main thread is idle
// then), or at once when every case's engines are already running (nothing left to start: the main thread only
// waits for external programs, e.g. a matrix at full concurrency or a warm call's PyTorch sides). The last case's
// previews are encoded after complete.json (the evidence is complete without them); the run then adds them and
// refreshes the marker, before runParity returns.
import type { EngineRun } from '../../shared/types.ts';
import { BundleWriter } from '../evidence/bundleWriter.ts';
export class PreviewQueue {
  /** Set when a preview failed, so bundle.json / summary.md (which name the previews up front) must be rewritten. */
  changed = false;
  private jobs: Promise<void>[] = [];
  private launchWaiters: (() => void)[] = [];
  private markAllDone!: () => void;
  private readonly allCasesDone = new Promise<void>((r) => { this.markAllDone = r; });
  private launched = 0;
  private markAllLaunched!: () => void;
  private readonly allLaunched = new Promise<void>((r) => { this.markAllLaunched = r; });

  /** Intensity previews encoded while the case's other side was still running (see encodeEarly). */
  private early = new WeakMap<EngineRun, Buffer>();

  /**
   * One side finished while the other still runs (a C run is done long before a PyTorch run): encode its preview now,
   * in time the main thread would spend waiting. writePreviews takes it from `encoded` instead of encoding again.
   */
  encodeEarly(run: EngineRun): void {
    try {
      const png = BundleWriter.intensityPreview(run);
      if (png) this.early.set(run, png);
    } catch { /* writePreviews encodes it again and reports a failure */ }
  }

  readonly encoded = (run: EngineRun): Buffer | undefined => this.early.get(run);

  private scheduled = 0;

  /**
   * `launches`: how many engine runs the whole run starts (cases × 2 sides); unknown = wait for the end. `cases`:
   * how many cases may schedule previews; the last one's wait for drain(), i.e. until complete.json is written.
   */
  constructor(private readonly launches = Infinity, private readonly cases = launches / 2) {}

  /** "The next case has launched its engines": a waiting preview may start now. */
  notifyLaunch(): void {
    if (++this.launched >= this.launches) this.markAllLaunched();
    const w = this.launchWaiters;
    this.launchWaiters = [];
    for (const f of w) f();
  }

  /** Run `job` once the next case has launched (after a short pause that lets its workers get going), or every run
   * has launched, or all are done; the last case's job once all are done. */
  schedule(job: () => Promise<void>): void {
    // The last case: nothing else runs now, so encoding would only hold up complete.json (≈ 100 ms at 1024²).
    if (++this.scheduled >= this.cases) { this.jobs.push(this.allCasesDone.then(job)); return; }
    const nextLaunch = new Promise<void>((r) => this.launchWaiters.push(r));
    this.jobs.push(Promise.race([nextLaunch.then(() => true), this.allLaunched.then(() => false), this.allCasesDone.then(() => false)])
      .then((launched) => launched ? new Promise<void>((r) => setTimeout(r, 20)) : undefined)
      .then(job));
  }

  /** No more cases: run what still waits and resolve when every preview is written (or failed). */
  async drain(): Promise<void> {
    this.markAllDone();
    await Promise.all(this.jobs);
  }
}

// Previews are for people, not for the verdict: encode them while the next case simulates (the main thread is idle
// then), and wait for them only before the summary is written.
export class PreviewQueue {
  private jobs: Promise<void>[] = [];
  private launchWaiters: (() => void)[] = [];
  private markAllDone!: () => void;
  private readonly allCasesDone = new Promise<void>((r) => { this.markAllDone = r; });

  /** "The next case has launched its engines": a waiting preview may start now. */
  notifyLaunch(): void {
    const w = this.launchWaiters;
    this.launchWaiters = [];
    for (const f of w) f();
  }

  /** Run `job` once the next case has launched (after a short pause that lets its workers get going) or all are done. */
  schedule(job: () => Promise<void>): void {
    const nextLaunch = new Promise<void>((r) => this.launchWaiters.push(r));
    this.jobs.push(Promise.race([nextLaunch.then(() => true), this.allCasesDone.then(() => false)])
      .then((launched) => launched ? new Promise<void>((r) => setTimeout(r, 20)) : undefined)
      .then(job));
  }

  /** No more cases: run what still waits and resolve when every preview is written (or failed). */
  async drain(): Promise<void> {
    this.markAllDone();
    await Promise.all(this.jobs);
  }
}

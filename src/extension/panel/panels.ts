// The set of results panels: the run panel (re-used by each run), one panel per bundle opened from disk, and the
// compare panels (one per pair of bundles and case: openCompare, also what a what-if view can reuse).
import * as vscode from 'vscode';
import type { Bundle } from '../../shared/types.ts';
import { isPersistedState, type HostToWebview } from '../../shared/messages.ts';
import { buildCompareView, type CompareSpec } from '../../core/compare/compareView.ts';
import { Disposable } from '../disposable.ts';
import { isWhatIfId } from '../../core/cases/whatIf.ts';
import { ResultsPanel, VIEW_TYPE, type PanelDeps } from './resultsPanel.ts';

/** The panel a run will show its bundle in, opened when the run starts (ResultsPanels.openForRun). */
export interface RunPanel { panel: ResultsPanel; abandon(): void }

export class ResultsPanels extends Disposable {
  private readonly panels = new Set<ResultsPanel>();
  /** The panel that shows fresh runs (re-used so repeated runs do not pile up tabs). */
  private runPanel?: ResultsPanel;

  constructor(private readonly deps: PanelDeps) {
    super();
  }

  private create(panel?: vscode.WebviewPanel, column = vscode.ViewColumn.Active, preserveFocus = false): ResultsPanel {
    const p = panel ?? vscode.window.createWebviewPanel(VIEW_TYPE, 'nanoBragg Parity', { viewColumn: column, preserveFocus },
      { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(this.deps.extensionUri, 'dist'), vscode.Uri.joinPath(this.deps.extensionUri, 'media', 'webview')] });
    const rp = new ResultsPanel(p, { ...this.deps, open: (d, beside) => this.openDir(d, beside), openCompare: (spec, beside) => this.openCompare(spec, beside) }, (x) => { this.panels.delete(x); if (this.runPanel === x) this.runPanel = undefined; });
    this.panels.add(rp);
    return rp;
  }

  /** When each run's bundle was complete (complete.json first written): the first-paint log measures from it. */
  private readonly completedAt = new Map<string, number>();
  noteCompleted(dir: string, at = Date.now()): void {
    this.completedAt.set(dir, at);
  }

  /**
   * A run starts: open (or reveal) the run panel now, so its webview has booted by the time the bundle is complete
   * (a new webview took 4–15 s to boot in code-server on a busy machine; issue 15's first paint). `abandon` at the end
   * of a run that shows nothing closes the panel again if this run created it and it never showed a bundle.
   * `preserveFocus`: opened behind a quick pick, which must keep the focus.
   */
  openForRun(target?: ResultsPanel, preserveFocus = false): RunPanel {
    if (target && this.panels.has(target)) this.runPanel = target;
    const run = this.runPanel?.compareKey ? undefined : this.runPanel;
    const panel = run ?? this.create(undefined, vscode.ViewColumn.Active, preserveFocus);
    this.runPanel = panel;
    if (run && !preserveFocus) panel.reveal();
    return { panel, abandon: () => { if (!run && !panel.bundle) panel.dispose(); } };
  }

  /**
   * After a run (or as soon as its bundle is complete): the run panel follows the newest bundle. `preserveFocus` for
   * a run's own updates: the panel comes to the front but the keyboard stays where the user went meanwhile (an open
   * quick pick would close if the panel took the focus).
   */
  async showRun(bundle: Bundle, target?: ResultsPanel, preserveFocus = false): Promise<void> {
    const called = Date.now();
    if (target && this.panels.has(target)) this.runPanel = target;
    const same = [...this.panels].find((p) => !p.compareKey && p.dir === bundle.dir);
    const run = this.runPanel?.compareKey ? undefined : this.runPanel;
    const p = same ?? run ?? this.create();
    this.runPanel = p;
    // Shown already (e.g. "Open parity results" on the last run's bundle): just bring it to the front.
    if (p.isShowing(bundle)) { p.reveal(preserveFocus); return; }
    p.timeline.set('showRun', called);
    const done = this.completedAt.get(bundle.dir);
    if (done !== undefined) p.timeline.completed(bundle.dir, done);
    p.reveal(preserveFocus);
    await p.show(bundle);
  }

  /** Open an existing bundle (read from disk) in its own panel, or reveal the panel already showing it. */
  async openBundle(bundle: Bundle, beside = false): Promise<ResultsPanel> {
    const existing = [...this.panels].find((p) => !p.compareKey && p.dir === bundle.dir);
    if (existing) { existing.reveal(); return existing; }
    const p = this.create(undefined, beside ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active);
    await p.show(bundle);
    return p;
  }

  /** Open a bundle folder (history row, compare with previous), beside the active panel when asked. */
  async openDir(dir: string, beside: boolean): Promise<void> {
    const bundle = await this.deps.history.read(dir);
    if (!bundle) throw new Error(`${dir} is not a readable evidence bundle`);
    await this.openBundle(bundle, beside);
  }

  /**
   * One case of two bundles in one linked panel: A, B and the Δ-between-bundles images (candidate B − A, reference
   * B − A), one zoom/pan and one colour range. `spec.caseIdB` names the case in B when it differs (a what-if run);
   * `labels` replace "A"/"B". The same pair and case reuses its panel.
   */
  async openCompare(spec: CompareSpec, beside = false): Promise<ResultsPanel> {
    const key = JSON.stringify([spec.a, spec.b, spec.caseId, spec.caseIdB ?? spec.caseId]);
    const existing = [...this.panels].find((p) => p.compareKey === key);
    if (existing) { existing.reveal(); return existing; }
    const view = await buildCompareView(spec);
    const p = this.create(undefined, beside ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active);
    await p.showCompare(key, view);
    return p;
  }

  /** Serializer: the webview kept its bundle dir in its state; reopen it after a window reload. */
  async restore(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const rp = this.create(panel);
    const c = isPersistedState(state) ? state.compare : undefined;
    if (c && typeof c.a === 'string' && typeof c.b === 'string' && typeof c.caseId === 'string') {
      const caseIdB = typeof c.caseIdB === 'string' ? c.caseIdB : c.caseId;
      // A what-if pair keeps its "original" / "what-if" labels after a reload (the state keeps ids, not labels).
      const spec = { a: c.a, b: c.b, caseId: c.caseId, caseIdB, ...(isWhatIfId(caseIdB) ? { labels: { a: 'original', b: 'what-if' } } : {}) };
      try { await rp.showCompare(JSON.stringify([spec.a, spec.b, spec.caseId, spec.caseIdB]), await buildCompareView(spec)); return; }
      catch (err) { this.deps.log.warn(`results panel: the compare view could not be restored (${(err as Error).message}); showing ${c.b}`); }
    }
    const dir = isPersistedState(state) ? state.bundleDir : undefined;
    const bundle = dir ? await this.deps.history.read(dir) : undefined;
    if (bundle) { await rp.show(bundle); return; }
    // Nothing to restore (state lost or bundle deleted): the `ready` handler may still find it; otherwise say so.
    this.deps.log.warn(`results panel: nothing to restore${dir ? ` (bundle ${dir} is unreadable)` : ''}`);
    setTimeout(() => {
      if (!rp.bundle) {
        void panel.webview.postMessage({ type: 'hostError', message: dir ? `The evidence bundle ${dir} could not be read (moved or deleted?). Use “Open evidence bundle…”.` : 'No bundle to restore. Use “Open parity results”.' } satisfies HostToWebview);
      }
    }, 1500);
  }

  progress(message: string, fraction?: number, done?: boolean): void {
    for (const p of this.panels) p.progress(message, fraction, done);
  }

  get count(): number {
    return this.panels.size;
  }

  override dispose(): void {
    if (this.isDisposed) return;
    for (const p of [...this.panels]) p.dispose();
    super.dispose();
  }
}

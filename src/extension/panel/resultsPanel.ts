// The results webview host: one WebviewPanel per bundle shown (a run reuses the panel of the previous run).
// Protocol (src/shared/messages.ts): the webview says `ready` → we send the snapshot, then each image once as an
// exact-size ArrayBuffer; images above PREVIEW_MAX_PIXELS go first as a k×k max-binned preview and at full
// resolution only when the webview asks (`requestFullImage`), once per webview document and snapshot. A hidden webview loses its document; when it comes back it says `ready` again and gets a
// fresh snapshot. After a window reload the serializer reopens the bundle dir the webview kept in its state.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Bundle } from '../../shared/types.ts';
import { bundleFiles, loadCaseImages } from '../../core/evidence/index.ts';
import {
  isWebviewToHost, isPersistedState, type HostToWebview, type ImageRole, type ViewModel, type WebviewRequest, type WebviewToHost,
} from '../../shared/messages.ts';
import { metricsMarkdown } from '../../shared/metricsMarkdown.ts';
import { buildWebviewHtml, makeNonce } from './html.ts';
import { buildViewModel, isWhatIfBundle, trendFrom, whatIfNotice, WHAT_IF_NO_RECORD, type OutgoingImage } from './viewModel.ts';
import type { BundleHistory } from '../history.ts';
import type { ParityService } from '../parityService.ts';
import { errorText, type Log } from '../log.ts';
import { Disposable } from '../disposable.ts';
import { PanelTracer } from './traceHost.ts';
import { handleCompareRequest, type CompareDeps } from './compareRequests.ts';
import { revealFolder } from './reveal.ts';
import { peaksMessage } from './peaksMessage.ts';
import { caseHistory } from '../../core/compare/history.ts';
import { workspaceOfBundle } from '../../core/compare/bundles.ts';
import type { PeaksMessage } from '../../shared/compareMessages.ts';
import type { CompareView } from '../../core/compare/compareView.ts';
import { logFirstPaint, PaintTimeline } from './firstPaint.ts';
import { confirmCopied, confirmExported, warnRefused } from './confirmations.ts';
import { ImageDelivery } from './imageDelivery.ts';

export const VIEW_TYPE = 'nbParity.results';

export interface PanelDeps extends CompareDeps {
  extensionUri: vscode.Uri;
  log: Log;
  history: BundleHistory;
  service: ParityService;
  /** Re-runs the cases of a bundle through the same path as the palette commands. */
  rerun(bundle: Bundle, caseIds: string[] | undefined, panel: ResultsPanel): Promise<void>;
}

export function panelTitle(stamp: string): string {
  return `nanoBragg Parity — ${stamp}`;
}

export class ResultsPanel extends Disposable {
  bundle?: Bundle;
  private viewModel?: ViewModel;
  private outgoing: OutgoingImage[] = [];
  private ready = false;
  private readonly images: ImageDelivery;
  /** Serialises loads so a quick second run cannot interleave its snapshot with the first one's images. */
  private chain: Promise<unknown> = Promise.resolve();
  /** Bumped per load: a newer bundle stops the older one's image sending. */
  private generation = 0;
  private readonly tracer: PanelTracer;
  /** Host-side times of the first paint's steps (logged with the webview's when it says `painted`). */
  readonly timeline = new PaintTimeline();

  constructor(readonly panel: vscode.WebviewPanel, private readonly deps: PanelDeps, private readonly onDispose: (p: ResultsPanel) => void) {
    super();
    this.timeline.mark('panelCreated');
    this.images = new ImageDelivery((m) => this.post(m), deps.log, this.timeline);
    this.tracer = this._register(new PanelTracer(deps.service, deps.log)); // "trace this pixel", one at a time
    const media = vscode.Uri.joinPath(deps.extensionUri, 'media', 'webview');
    const dist = vscode.Uri.joinPath(deps.extensionUri, 'dist');
    panel.webview.options = { enableScripts: true, localResourceRoots: [dist, media] };
    panel.iconPath = vscode.Uri.joinPath(deps.extensionUri, 'resources', 'icon.png');
    const webview = panel.webview;
    webview.html = buildWebviewHtml({
      cspSource: webview.cspSource,
      nonce: makeNonce(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'styles.css')).toString(),
      title: panel.title,
    });
    this.timeline.mark('htmlSet');
    this._register(webview.onDidReceiveMessage((m: unknown) => { void this.onMessage(m); }));
    this._register(panel.onDidChangeViewState((e) => {
      // Hidden: the document is gone (no retainContextWhenHidden); it will say `ready` again when shown.
      if (!e.webviewPanel.visible) { this.ready = false; this.images.forget(); }
      else if (this.ready) void this.sendAll();
    }));
    this._register(panel.onDidDispose(() => this.dispose()));
  }

  get dir(): string | undefined { return this.bundle?.dir; }

  /** Set while the panel shows a compare view (core/compare/compareView.ts); such a panel is never "the panel of" B. */
  compareKey?: string;
  private compareView?: CompareView;

  /** Show one case of two bundles linked: A, B, candidate A→B, reference A→B, one zoom/pan and colour range. */
  showCompare(key: string, view: CompareView): Promise<void> {
    this.compareKey = key;
    this.compareView = view;
    return this.show(view.bundle);
  }

  /** The bundle last asked for (it may still be loading). */
  private requested?: Bundle;
  isShowing = (bundle: Bundle): boolean => this.requested === bundle;

  /** Show a bundle (fresh from a run, or opened from disk). */
  show(bundle: Bundle): Promise<void> {
    this.requested = bundle;
    if (this.compareView && bundle !== this.compareView.bundle) { this.compareView = undefined; this.compareKey = undefined; }
    const next = this.chain.then(() => this.load(bundle)).catch((err) => {
      this.deps.log.error(`results panel: ${errorText(err)}`);
      void this.post({ type: 'hostError', message: `Could not show bundle ${bundle.dir}: ${errorText(err)}` });
    });
    this.chain = next;
    return next;
  }

  private async load(bundle: Bundle): Promise<void> {
    const generation = ++this.generation;
    this.bundle = bundle;
    this.timeline.newBundle(bundle.dir);
    const cmp = this.compareView;
    this.panel.title = cmp ? `Compare ${cmp.info.caseId}: ${cmp.info.a.stamp} ↔ ${cmp.info.b.stamp}` : panelTitle(bundle.stamp);
    this.images.clear();
    this.peaks.clear();
    // Numbers first: the snapshot goes out before any pixel is read (a 2048² pair is 32 MiB to load and send).
    // The model files and the earlier bundles (trend) are looked up concurrently: both are on the first paint's path.
    const folder = this.deps.service.folderOf(bundle.dir);
    const earlierBundles = folder && !cmp ? this.deps.history.recent(folder, this.deps.service.bundleLocation(folder)) : undefined;
    const predicted = new Map<string, ImageRole[]>(await Promise.all(bundle.cases.map(async (c) => {
      const roles: ImageRole[] = [];
      if (c.files.referenceImage) roles.push('reference');
      if (c.files.candidateImage) roles.push('candidate');
      if (await fileExists(path.join(bundle.dir, bundleFiles.model(c.fileStem)))) roles.push('model');
      return [c.caseId, roles] as const;
    })));
    let trend = new Map();
    if (earlierBundles) trend = trendFrom([bundle, ...(await earlierBundles).filter((b) => b.dir !== bundle.dir)], bundle.stamp);
    const legacy = bundle.layout === 'legacy';
    const whatIf = isWhatIfBundle(bundle);
    const restricted = vscode.workspace.isTrusted ? undefined
      : 'Restricted Mode: the C binary and Python are not launched here; Re-run and Run with this fix offer the embedded simulator on both sides.';
    const { viewModel, images } = buildViewModel(bundle, {
      readOnly: legacy || !!cmp,
      readOnlyReason: cmp ? `comparing ${cmp.info.caseId} in two bundles (open either bundle to re-run or record)`
        : legacy ? 'Older bundle layout: shown read-only (re-run and record need our own layout).' : undefined,
      compare: cmp?.info,
      sides: cmp?.sides,
      notice: [restricted, cmp ? undefined : whatIfNotice(bundle)].filter(Boolean).join(' ') || undefined,
      actions: { rerun: !legacy && !!folder && !cmp, recordAttempt: !legacy && !cmp && !whatIf, openBundleFolder: !cmp, whatIf: !legacy && !!folder && !cmp && !whatIf },
      actionReasons: whatIf ? { recordAttempt: WHAT_IF_NO_RECORD, whatIf: 'this is already a what-if' } : folder ? undefined : { whatIf: 'the bundle is outside the open workspace folders' },
      trend,
      availableImages: predicted,
    });
    this.viewModel = viewModel;
    this.outgoing = images;
    this.images.forget();
    const snapshot = this.ready ? this.postSnapshot(viewModel).catch((err) => this.deps.log.warn(`results panel: snapshot not posted: ${errorText(err)}`)) : undefined;
    // Then the pixels, case by case, each sent as soon as it is read and queued right behind the snapshot (not after
    // its round trip: the channel keeps the order).
    for (const c of bundle.cases) {
      if (generation !== this.generation || this.isDisposed) return;
      const roles = predicted.get(c.caseId) ?? [];
      if (!roles.length) continue;
      try {
        const imgs = await loadCaseImages(bundle, c.caseId);
        for (const role of roles) {
          const img = imgs[role];
          if (img) this.images.pixels.set(`${c.caseId}/${role}`, img);
          else await this.post({ type: 'hostError', caseId: c.caseId, message: `${c.caseId}: the ${role} image could not be read from ${bundle.dir}.` });
        }
      } catch (err) {
        this.deps.log.warn(`${bundle.dir}: images of ${c.caseId} unavailable: ${errorText(err)}`);
        await this.post({ type: 'hostError', caseId: c.caseId, message: `${c.caseId}: images unavailable: ${errorText(err)}` });
        continue;
      }
      if (generation !== this.generation) return;
      if (this.ready) await this.images.sendAll(this.images.notSent(this.outgoing.filter((ref) => ref.caseId === c.caseId)));
      // After the images: finding the peaks takes 10–400 ms of this thread at 1024² and is not needed to draw.
      void this.sendPeaks(c.caseId, roles);
    }
    await snapshot;
  }

  /** Peak markers of a case (found once per load, ~10 ms per 1024² image); resent with every snapshot. */
  private readonly peaks = new Map<string, PeaksMessage>();
  private async sendPeaks(caseId: string, roles: ImageRole[]): Promise<void> {
    const ref = this.images.pixels.get(`${caseId}/reference`), cand = this.images.pixels.get(`${caseId}/candidate`);
    const c = this.viewModel?.cases.find((x) => x.caseId === caseId);
    if (!ref || !cand || !c || ref.length !== cand.length || !roles.includes('reference')) return;
    const msg = peaksMessage(caseId, ref, cand, c.fpixels);
    this.peaks.set(caseId, msg);
    if (this.ready) await this.post(msg);
  }

  private async postSnapshot(viewModel: ViewModel): Promise<void> {
    await this.post({ type: 'snapshot', viewModel });
    this.timeline.mark('snapshotPosted');
  }

  private async post(msg: HostToWebview): Promise<boolean> {
    if (this.isDisposed) return false;
    return this.panel.webview.postMessage(msg);
  }

  /** Snapshot, then every image not yet delivered to this webview document. */
  private async sendAll(): Promise<void> {
    if (!this.viewModel) return;
    await this.postSnapshot(this.viewModel);
    await this.images.sendAll(this.images.notSent(this.outgoing));
    for (const p of this.peaks.values()) await this.post(p);
    if (this.historyFor) await this.postHistory(this.historyFor);
  }

  /** The case whose history section is open (re-sent with each snapshot: a hidden webview loses it). */
  private historyFor?: string;

  /** Open the history section of a case (the palette's "Show case history…"). */
  async showHistory(caseId: string): Promise<void> {
    this.historyFor = caseId;
    await this.chain;
    if (this.ready && this.viewModel) await this.postHistory(caseId);
  }

  private async postHistory(caseId: string): Promise<void> {
    if (!this.bundle) return;
    const rows = await caseHistory(workspaceOfBundle(this.bundle), caseId);
    await this.post({ type: 'history', caseId, rows });
  }

  progress(message: string, fraction?: number, done?: boolean): void { if (this.ready) void this.post({ type: 'progress', message, fraction, done }); }

  private async onMessage(raw: unknown): Promise<void> {
    if (!isWebviewToHost(raw)) {
      this.deps.log.warn(`results panel: ignored a malformed message from the webview: ${JSON.stringify(raw)?.slice(0, 200)}`);
      return;
    }
    const msg = raw as WebviewToHost;
    if (msg.type === 'ready') {
      this.timeline.set('ready');
      this.ready = true;
      this.images.forget();
      if (!this.bundle && msg.state && isPersistedState(msg.state) && msg.state.bundleDir) {
        const b = await this.deps.history.read(msg.state.bundleDir);
        if (b) { await this.show(b); return; }
      }
      // Whatever is loaded so far; images still loading are sent by load() as they arrive.
      await this.sendAll();
      return;
    }
    if (msg.type === 'painted') { if (this.bundle) logFirstPaint(this.deps.log, this.bundle.dir, msg, this.timeline); return; }
    if (msg.type === 'error') {
      this.deps.log.warn(`webview ${msg.kind} error${msg.caseId ? ` (${msg.caseId})` : ''}: ${msg.message}${msg.detail ? `\n${msg.detail}` : ''}`);
      return;
    }
    let answer: { ok: boolean; message?: string };
    try {
      answer = await this.handle(msg);
    } catch (err) {
      answer = { ok: false, message: errorText(err) };
      this.deps.log.error(`results panel: ${msg.type}: ${errorText(err)}`);
    }
    await this.post({ type: 'response', requestId: msg.requestId, ...answer });
  }

  private async handle(msg: WebviewRequest): Promise<{ ok: boolean; message?: string }> {
    const dir = this.bundle?.dir;
    switch (msg.type) {
      case 'rerun': {
        if (!this.bundle) return { ok: false, message: 'No bundle is shown.' };
        await this.deps.rerun(this.bundle, msg.caseIds, this);
        return { ok: true };
      }
      case 'recordAttempt': {
        if (this.bundle && (msg.bundleDir || dir) === this.bundle.dir && isWhatIfBundle(this.bundle)) return { ok: false, message: `Not recorded: ${WHAT_IF_NO_RECORD}.` };
        const target = msg.bundleDir || dir;
        await vscode.commands.executeCommand('nbParity.recordAttempt', target);
        return { ok: true };
      }
      case 'openBundleFolder': {
        const target = msg.bundleDir || dir;
        if (!target) return { ok: false, message: 'No bundle is shown.' };
        await revealFolder(target);
        return { ok: true, message: target };
      }
      case 'copyMetricsMarkdown': {
        const text = msg.markdown ?? (this.viewModel ? metricsMarkdown(this.viewModel) : undefined);
        if (!text) return warnRefused('Nothing to copy yet: the results are still loading.');
        await vscode.env.clipboard.writeText(text);
        confirmCopied(this.viewModel?.cases.length);
        return { ok: true, message: 'Metrics copied as Markdown.' };
      }
      case 'exportPng': {
        const safe = path.basename(msg.suggestedName || `${msg.caseId}.png`).replace(/[^\w.@-]+/g, '_');
        const defaultDir = this.deps.service.folderOf(dir ?? '')?.uri ?? (dir ? vscode.Uri.file(dir) : undefined);
        const target = await vscode.window.showSaveDialog({
          defaultUri: defaultDir ? vscode.Uri.joinPath(defaultDir, safe.endsWith('.png') ? safe : `${safe}.png`) : undefined,
          filters: { 'PNG image': ['png'] },
          title: `Export ${msg.caseId} as PNG`,
        });
        if (!target) return { ok: false, message: 'Export cancelled.' };
        // Evidence is never overwritten: refuse a target inside the bundle that already exists.
        if (dir && !path.relative(dir, target.fsPath).startsWith('..')) {
          const exists = await vscode.workspace.fs.stat(target).then(() => true, () => false);
          if (exists) return warnRefused(`${target.fsPath} is part of the evidence bundle and already exists; choose another name.`, 'Export PNG: ');
        }
        await vscode.workspace.fs.writeFile(target, new Uint8Array(msg.buffer));
        this.deps.log.info(`exported ${target.fsPath} (${msg.buffer.byteLength} bytes)`);
        confirmExported(target, msg.buffer.byteLength);
        return { ok: true, message: `Saved ${target.fsPath}` };
      }
      case 'requestImage': {
        const ref = this.outgoing.find((r) => r.id === msg.id);
        if (!ref) return { ok: false, message: `No image ${msg.id} in this bundle.` };
        return (await this.images.resend(ref)) ? { ok: true } : { ok: false, message: `Image ${msg.id} could not be sent.` };
      }
      case 'requestFullImage': {
        const ref = this.outgoing.find((r) => r.caseId === msg.caseId && r.role === msg.role);
        if (!ref) return { ok: false, message: `No ${msg.role} image of ${msg.caseId} in this bundle.` };
        return this.images.sendFull(ref);
      }
      case 'trace': return this.tracer.start(this.bundle, msg.caseId, msg.pixel, { result: (view) => this.post({ type: 'traceResult', view }), progress: (m, f, done) => this.progress(m, f, done) });
      case 'traceCancel': return this.tracer.cancel();
      default:
        return handleCompareRequest(msg, { bundle: this.bundle, log: this.deps.log, post: (m) => this.post(m), open: (d, beside) => this.deps.open?.(d, beside) ?? Promise.resolve(), openCompare: this.deps.openCompare, whatIf: this.deps.whatIf });
    }
  }

  /** Brings the panel to the front. Without the focus and already visible: nothing to do, and no call that could move
   * the focus into the webview under a quick pick the user opened meanwhile. */
  reveal(preserveFocus = false): void {
    if (preserveFocus && this.panel.visible) return;
    this.panel.reveal(undefined, preserveFocus);
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this.images.clear();
    super.dispose();
    this.onDispose(this);
    this.panel.dispose();
  }
}

export const fileExists = (p: string): Promise<boolean> => Promise.resolve(vscode.workspace.fs.stat(vscode.Uri.file(p)).then(() => true, () => false));

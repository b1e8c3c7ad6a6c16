// One place that runs parity for the palette commands, the Test Explorer and the webview's Re-run: reads the
// settings (+ the Python extension's interpreter), applies Workspace Trust, threads an AbortSignal to runParity,
// logs every line, and remembers the last bundle. Cancelling (or deactivate) aborts → runParity kills the trees.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Bundle, Case, EngineId, ProgressEvent, WhatIf } from '../shared/types.ts';
import { runParity, type RunSettings } from '../core/parity.ts';
import { loadCases, BUILTIN_CASES } from '../core/cases/index.ts';
import { resolveSettings, type RawSettings, type ResolvedSettings } from './settingsModel.ts';
import { pythonFromExtension } from './python.ts';
import { errorText, type Log } from './log.ts';
import { runLogLines } from './resultText.ts';
import { Disposable } from './disposable.ts';

export interface RunRequest {
  folder: vscode.WorkspaceFolder;
  cases: Case[];
  /** Engines for this run; default from settings. */
  candidate?: EngineId;
  reference?: EngineId;
  /** Restricted Mode fallback: embedded on both sides, C preset as reference, PyTorch preset as candidate. */
  embeddedOnly?: boolean;
  /** Extra cancellation source (Test Explorer run token, progress notification). */
  token?: vscode.CancellationToken;
  onProgress?: (e: ProgressEvent) => void;
  /** Extra sink for log lines (the Test Explorer's terminal output). */
  onLog?: (line: string) => void;
  /** complete.json is written (runParity's onComplete): the results panel can show the bundle. */
  onComplete?: (bundle: Bundle) => void | Promise<void>;
  /** A what-if run (cases from whatIfCase): marks the bundle; it never becomes the last bundle or request. */
  whatIf?: WhatIf;
}

export interface RunOutcome {
  bundle?: Bundle;
  cancelled: boolean;
  /** Why no bundle was produced, worded for the user. */
  error?: string;
  request: RunRequest;
}

const SETTING_KEYS: (keyof RawSettings)[] = [
  'cBinary', 'python', 'extraEnv', 'reportsRoot', 'initiative', 'phase', 'candidate', 'reference', 'concurrency',
  'timeoutSeconds', 'explain', 'torchMode', 'reuseCRuns',
];

export class ParityService extends Disposable {
  private readonly active = new Set<{ controller: AbortController; done: Promise<unknown> }>();
  private readonly finished = this._register(new vscode.EventEmitter<RunOutcome>());
  readonly onDidFinish = this.finished.event;
  private readonly started = this._register(new vscode.EventEmitter<RunRequest>());
  readonly onDidStart = this.started.event;
  lastBundle?: Bundle;
  lastRequest?: RunRequest;

  constructor(private readonly log: Log) {
    super();
  }

  get running(): boolean {
    return this.active.size > 0;
  }

  /** Settings for a folder, as the runner will see them (Python extension consulted only when the setting is empty). */
  async settingsFor(folder: vscode.WorkspaceFolder): Promise<ResolvedSettings> {
    const cfg = vscode.workspace.getConfiguration('nbParity', folder.uri);
    const raw: RawSettings = {};
    for (const k of SETTING_KEYS) raw[k] = cfg.get(k);
    const trusted = vscode.workspace.isTrusted;
    const needPy = trusted && !(typeof raw.python === 'string' && raw.python.trim());
    const py = needPy ? await pythonFromExtension(folder.uri) : undefined;
    return resolveSettings(raw, { workspace: folder.uri.fsPath, trusted, pythonFromExtension: py });
  }

  /** Where the folder's bundles live (reportsRoot / initiative / phase): for listing, without consulting Python. */
  bundleLocation(folder: vscode.WorkspaceFolder): Partial<RunSettings> {
    const cfg = vscode.workspace.getConfiguration('nbParity', folder.uri);
    const out: Partial<RunSettings> = {};
    for (const k of ['reportsRoot', 'initiative', 'phase'] as const) {
      const v = cfg.get<string>(k);
      if (typeof v === 'string' && v.trim()) out[k] = v.trim();
    }
    return out;
  }

  /** Cases of a folder; definition errors go to the log (and are returned for the caller to show). */
  async casesFor(folder: vscode.WorkspaceFolder): Promise<{ cases: Case[]; errors: string[] }> {
    try {
      const r = await loadCases(folder.uri.fsPath);
      for (const e of r.errors) this.log.warn(`cases: ${e}`);
      return r;
    } catch (err) {
      const msg = `could not read the cases of ${folder.uri.fsPath}: ${errorText(err)}`;
      this.log.error(msg);
      return { cases: BUILTIN_CASES.map((c) => structuredClone(c) as Case), errors: [msg] };
    }
  }

  async run(req: RunRequest): Promise<RunOutcome> {
    const controller = new AbortController();
    const sub = req.token?.onCancellationRequested(() => controller.abort(new Error('cancelled by the user')));
    if (req.token?.isCancellationRequested) controller.abort(new Error('cancelled by the user'));
    let resolveDone!: () => void;
    const entry = { controller, done: new Promise<void>((r) => { resolveDone = r; }) };
    this.active.add(entry);
    void vscode.commands.executeCommand('setContext', 'nbParity.running', true);
    if (!req.whatIf) this.lastRequest = req;
    this.started.fire(req);
    const emit = (line: string) => { this.log.info(line); req.onLog?.(line); };
    try {
      const resolved = await this.settingsFor(req.folder);
      for (const p of resolved.problems) { this.log.warn(`settings: ${p}`); req.onLog?.(`warning: ${p}`); }
      let candidate = req.candidate ?? resolved.candidate;
      let reference = req.reference ?? resolved.reference;
      const settings: RunSettings = { ...resolved.settings };
      if (req.embeddedOnly) {
        candidate = 'embedded';
        reference = 'embedded';
        settings.embedded = { reference: { preset: 'c' }, candidate: { preset: 'pytorch' } };
      }
      emit(`── parity: ${req.cases.map((c) => c.id).join(', ')} · reference ${reference} vs candidate ${candidate} · workspace ${req.folder.uri.fsPath}`);
      if (!settings.allowPrograms) emit('Restricted Mode: no program (C binary, Python, make) will be launched.');
      if (candidate === 'torch' || reference === 'torch') emit(`python: ${settings.python ?? '(NB_PY_BIN or python3)'} [${resolved.pythonSource}]`);
      const bundle = await runParity({
        workspace: req.folder.uri.fsPath,
        cases: req.cases,
        candidate,
        reference,
        settings,
        signal: controller.signal,
        onProgress: (e) => {
          // Start/finish of each side (with its wall time) belong in the log; percentages only in the UI.
          if (!/\d+%$/.test(e.message) && (e.fraction === undefined || e.fraction === 0 || e.fraction === 1)) this.log.info(e.message);
          req.onProgress?.(e);
        },
        onLog: emit,
        // A cancelled run's bundle is not shown (the run's end offers to open it).
        onComplete: (b) => (controller.signal.aborted ? undefined : req.onComplete?.(b)),
        ...(req.whatIf ? { whatIf: req.whatIf } : {}),
      });
      // A cancelled run still leaves its (partial) bundle on disk, but it is not "the last result" to record.
      // Nor is a what-if: "record the last bundle" must never pick it up.
      if (!controller.signal.aborted && !req.whatIf) this.lastBundle = bundle;
      // Every command line, its environment and its output, whatever the engines streamed while running.
      for (const r of bundle.cases) {
        for (const side of [r.reference, r.candidate]) {
          const file = side === r.reference ? r.files.referenceStdout : r.files.candidateStdout;
          for (const line of runLogLines(r.caseId, side, 200, file ? path.join(bundle.dir, file) : undefined)) emit(line);
        }
      }
      emit(`── bundle: ${bundle.dir}`);
      const outcome: RunOutcome = { bundle, cancelled: controller.signal.aborted, request: req };
      this.finished.fire(outcome);
      return outcome;
    } catch (err) {
      const cancelled = controller.signal.aborted;
      const error = cancelled ? 'Parity run cancelled: every process it started was stopped.' : errorText(err);
      (cancelled ? this.log.warn : this.log.error)(error);
      req.onLog?.(error);
      const outcome: RunOutcome = { cancelled, error, request: req };
      this.finished.fire(outcome);
      return outcome;
    } finally {
      sub?.dispose();
      this.active.delete(entry);
      resolveDone();
      if (!this.active.size) void vscode.commands.executeCommand('setContext', 'nbParity.running', false);
    }
  }

  /** Abort every run; resolves when they settled or after `waitMs` (deactivate gets ~5 s in total). */
  async cancelAll(waitMs = 4000): Promise<void> {
    const entries = [...this.active];
    for (const e of entries) e.controller.abort(new Error('cancelled'));
    if (!entries.length) return;
    await Promise.race([Promise.allSettled(entries.map((e) => e.done)), new Promise((r) => setTimeout(r, waitMs))]);
  }

  /** Workspace folder of a bundle dir (or the first folder). */
  folderOf(dir: string): vscode.WorkspaceFolder | undefined {
    const inside = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(dir));
    if (inside) return inside;
    return vscode.workspace.workspaceFolders?.find((f) => !path.relative(f.uri.fsPath, dir).startsWith('..'));
  }

  override dispose(): void {
    if (this.isDisposed) return;
    for (const e of this.active) e.controller.abort(new Error('disposed'));
    super.dispose();
  }
}

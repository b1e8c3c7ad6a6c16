// The run family: run the seed cases, run picked cases, re-run the last run or a bundle's cases; all go through
// runWithUi (trust gate → cancellable progress → status bar, results panel and a notification).
import * as vscode from 'vscode';
import type { Bundle, Case, EngineId } from '../../shared/types.ts';
import type { ParityService, RunRequest, RunOutcome } from '../parityService.ts';
import type { ResultsPanel } from '../panel/resultsPanel.ts';
import type { ResultsPanels, RunPanel } from '../panel/panels.ts';
import type { BundleHistory } from '../history.ts';
import type { VerdictStatusBar } from '../statusBar.ts';
import { gateRun } from '../trust.ts';
import { caseLine } from '../resultText.ts';
import { fixesFor, type RunFix } from '../runFixes.ts';
import type { ResultNotice } from '../resultNotice.ts';
import { runSummary, type NoticeAction } from '../noticeText.ts';
import { casePickRows, MULTI_PICK_HINT, pickedCases } from '../caseTree.ts';
import type { Log } from '../log.ts';
import { pickFolder } from './folder.ts';
import { runCommandResult } from './runResult.ts';
import { runWhatIf, type WhatIfAnswer } from './whatIf.ts';

export interface RunDeps {
  log: Log;
  service: ParityService;
  panels: ResultsPanels;
  history: BundleHistory;
  statusBar: VerdictStatusBar;
  /** The run's end-of-run notification; the next run closes it (one notification per run). */
  notice: ResultNotice;
}

export interface RunUiOptions {
  panel?: ResultsPanel;
  openPanel?: boolean;
  /** The run panel opened already (behind the case pick, so its webview boots while the user picks). */
  runPanel?: RunPanel;
}

export interface ParityCommands {
  runWithUi(req: Omit<RunRequest, 'token' | 'onProgress'>, opts?: RunUiOptions): Promise<RunOutcome | undefined>;
  rerunBundle(bundle: Bundle, caseIds: string[] | undefined, panel?: ResultsPanel): Promise<RunOutcome | undefined>;
  /** "Run with this fix": the case with the flags on both sides as a what-if bundle, then the compare view. */
  whatIf(bundle: Bundle, caseId: string, flags: string[], reason?: string): Promise<WhatIfAnswer>;
}

export function registerRunCommands(context: vscode.ExtensionContext, deps: RunDeps): ParityCommands {
  context.subscriptions.push(
    // The commands answer with the outcome minus its pixels (runResult.ts: the full one is ~63 MB of JSON at 1024²).
    vscode.commands.registerCommand('nbParity.runSeed', async () => runCommandResult(await runSeed(deps))),
    vscode.commands.registerCommand('nbParity.runCase', async (arg?: unknown) => runCommandResult(await runCase(deps, arg))),
    vscode.commands.registerCommand('nbParity.rerunLast', async () => runCommandResult(await rerunLast(deps))),
  );
  const cmds: ParityCommands = {
    runWithUi: (req, opts) => runWithUi(deps, req, opts),
    rerunBundle: (bundle, caseIds, panel) => rerunBundle(deps, bundle, caseIds, panel),
    whatIf: (bundle, caseId, flags, reason) => runWhatIf(deps, cmds.runWithUi, bundle, caseId, flags, reason),
  };
  return cmds;
}

const SHOW_LOG: NoticeAction = { label: 'Show log', command: 'nbParity.showLog' };
const asActions = (fixes: RunFix[]): NoticeAction[] => fixes.map((f) => ({ label: f.label, command: f.command }));

/** A run that wrote no bundle: the message names the cause (and the program it tried); offer the fix that matches it. */
function showRunFailure(deps: RunDeps, error: string): void {
  deps.log.error(`Parity run failed: ${error}`);
  deps.notice.show('Parity run failed', [...asActions(fixesFor([error])), SHOW_LOG], error);
}

/** How long the last previews of a run wait for the results panel to post the complete bundle. */
const FIRST_LOOK_MS = 1500;

/** A run from the palette/webview: trust gate → cancellable progress notification → status bar + results panel. */
async function runWithUi(deps: RunDeps, req: Omit<RunRequest, 'token' | 'onProgress'>, opts: RunUiOptions = {}): Promise<RunOutcome | undefined> {
  const outcome = await gatedRun(deps, req, opts);
  // A run that shows nothing (refused, cancelled, failed) leaves no empty panel behind.
  if (!outcome?.bundle || outcome.cancelled) opts.runPanel?.abandon();
  return outcome;
}

async function gatedRun(deps: RunDeps, req: Omit<RunRequest, 'token' | 'onProgress'>, opts: RunUiOptions): Promise<RunOutcome | undefined> {
  const { log, service, statusBar } = deps;
  if (service.running) {
    const pick = await vscode.window.showWarningMessage('A parity run is already in progress. Cancel it first, or wait until it ends.', 'Cancel running parity', 'Show log');
    if (pick === 'Cancel running parity') await service.cancelAll();
    if (pick === 'Show log') log.show();
    return undefined;
  }
  const settings = await service.settingsFor(req.folder);
  const candidate: EngineId = req.candidate ?? settings.candidate;
  const reference: EngineId = req.reference ?? settings.reference;
  let embeddedOnly = req.embeddedOnly ?? false;
  if (!embeddedOnly) {
    const gate = await gateRun(candidate, reference, (l) => log.warn(l));
    if (gate === 'cancelled') return undefined;
    embeddedOnly = gate === 'embedded-only';
  }
  const ids = req.cases.map((c) => c.id).join(', ');
  deps.notice.close(); // the previous run's result goes before this run's progress appears
  statusBar.running(ids);
  // Opened now (if not already), so the webview has booted by the time the bundle is complete.
  const ui = opts.runPanel ?? (opts.openPanel !== false ? deps.panels.openForRun(opts.panel) : undefined);
  const outcome = await withRunProgress(deps, { ...req, embeddedOnly }, ids, ui?.panel);
  if (!outcome.bundle || outcome.cancelled) ui?.abandon();
  return reportOutcome(deps, outcome, { ...opts, panel: ui?.panel ?? opts.panel });
}

/** The run itself under a cancellable progress notification; progress also goes to the results panel. */
async function withRunProgress(deps: RunDeps, req: Omit<RunRequest, 'token' | 'onProgress'>, ids: string, panel?: ResultsPanel): Promise<RunOutcome> {
  const { service, panels, history } = deps;
  return await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `nanoBragg Parity: ${ids}`, cancellable: true },
    async (progress, token) => {
      // Overall fraction = mean over (case, side); report increments as VS Code expects.
      const parts = new Map<string, number>();
      const total = Math.max(1, req.cases.length * 2);
      let reported = 0;
      return service.run({
        ...req,
        token,
        onProgress: (e) => {
          if (e.caseId && e.side && e.fraction !== undefined) parts.set(`${e.caseId}/${e.side}`, Math.min(1, Math.max(0, e.fraction)));
          const overall = ([...parts.values()].reduce((a, b) => a + b, 0) / total) * 100;
          const increment = overall > reported ? overall - reported : undefined;
          if (increment) reported = overall;
          progress.report({ message: e.message, increment });
          panels.progress(e.message, overall / 100);
        },
        // The bundle is complete: show it now, before the last previews are encoded (at most FIRST_LOOK_MS ahead of
        // them, so a hidden or slow webview cannot hold the run); the run's end finds it shown.
        onComplete: async (b) => {
          panels.noteCompleted(b.dir);
          if (!panel) return;
          history.remember(b);
          await Promise.race([panels.showRun(b, panel, true), new Promise((r) => setTimeout(r, FIRST_LOOK_MS))]);
        },
      });
    },
  );
}

/** After a run: status bar, history, log lines, the results panel and a notification with the next steps. */
async function reportOutcome(deps: RunDeps, outcome: RunOutcome, opts: RunUiOptions): Promise<RunOutcome> {
  const { log, panels, history, statusBar } = deps;
  panels.progress(outcome.bundle ? 'done' : (outcome.error ?? 'stopped'), 1, true);
  if (!outcome.bundle) {
    statusBar.restore();
    if (outcome.cancelled) deps.notice.show('Parity run cancelled; no process is left running.', []);
    else showRunFailure(deps, outcome.error ?? 'unknown error');
    return outcome;
  }
  const bundle = outcome.bundle;
  history.remember(bundle);
  const open: NoticeAction = { label: 'Open results', command: 'nbParity.openResults', args: [bundle.dir] };
  if (outcome.cancelled) {
    statusBar.restore();
    deps.notice.show(`Parity run cancelled; no process is left running. The partial bundle is ${vscode.workspace.asRelativePath(bundle.dir)}.`, [open]);
    return outcome;
  }
  statusBar.showBundle(bundle);
  for (const c of bundle.cases) log.info(caseLine(c));
  // Usually shown already when complete.json was written (onComplete). Either way the panel never takes the focus
  // here: the user may have opened a quick pick or an editor while the run finished.
  if (opts.openPanel !== false && !opts.panel?.isShowing(bundle)) await panels.showRun(bundle, opts.panel, true);
  const { headline, detail } = runSummary(bundle);
  const failed = bundle.cases.filter((c) => c.verdict.status !== 'pass');
  // A case that errored for a reason a setting fixes (torch missing, torch 1.x, no C binary) gets that fix first.
  const fixes = fixesFor(failed.flatMap((c) => [c.verdict.reason, c.reference.error ?? '', c.candidate.error ?? '']));
  // A what-if is never recorded as the case itself: no Record offer (the panel opens the compare view instead).
  const record: NoticeAction[] = bundle.whatIf ? [] : [{ label: 'Record attempt', command: 'nbParity.recordAttempt', args: [bundle.dir] }];
  deps.notice.show(headline, [...asActions(fixes), open, ...record], detail);
  return outcome;
}

async function runSeed(deps: RunDeps): Promise<RunOutcome | undefined> {
  const { service } = deps;
  const folder = await pickFolder();
  if (!folder) return undefined;
  const { cases } = await service.casesFor(folder);
  const seed = cases.filter((c) => c.source === 'builtin');
  if (!seed.length) { void vscode.window.showErrorMessage('The built-in TC-D1/TC-D3 cases are missing (a user case with the same id replaced them?). See the nanoBragg Parity log.'); return undefined; }
  return runWithUi(deps, { folder, cases: seed });
}

async function runCase(deps: RunDeps, arg?: unknown): Promise<RunOutcome | undefined> {
  const { service, history } = deps;
  const folder = await pickFolder();
  if (!folder) return undefined;
  const { cases, errors } = await service.casesFor(folder);
  if (errors.length) void vscode.window.showWarningMessage(`Some case definitions were skipped: ${errors[0]}${errors.length > 1 ? ` (+${errors.length - 1} more in the log)` : ''}`);
  let chosen: Case[] | undefined;
  if (typeof arg === 'string') chosen = cases.filter((c) => c.id === arg);
  let runPanel: RunPanel | undefined;
  if (!chosen?.length) {
    // The results panel opens behind the pick: its webview boots while the user chooses (issue 15's first paint).
    runPanel = service.running ? undefined : deps.panels.openForRun(undefined, true);
    const last = await history.lastResults(folder, service.bundleLocation(folder));
    const status = new Map([...last].map(([id, l]) => [id, { status: l.result.verdict.status, line: `(${l.stamp}) ${caseLine(l.result)}` }]));
    // Grouped by case (a separator per yaml case, "All runs of …"), "Failed last time" on top (caseTree.ts).
    const items = casePickRows(cases, status).map((r) => (r.kind === 'separator'
      ? { label: r.label, kind: vscode.QuickPickItemKind.Separator, caseIds: r.caseIds }
      : { label: r.label, description: r.description, detail: r.detail, caseIds: r.caseIds }));
    const picks = await vscode.window.showQuickPick(items, { canPickMany: true, title: 'Run parity case…', placeHolder: MULTI_PICK_HINT, matchOnDescription: true, matchOnDetail: true });
    if (!picks?.length) { runPanel?.abandon(); return undefined; }
    chosen = pickedCases(cases, picks);
  }
  return runWithUi(deps, { folder, cases: chosen }, { runPanel });
}

async function rerunLast(deps: RunDeps): Promise<RunOutcome | undefined> {
  const { service, history } = deps;
  const last = service.lastRequest;
  if (last) return runWithUi(deps, { folder: last.folder, cases: last.cases, candidate: last.candidate, reference: last.reference, embeddedOnly: last.embeddedOnly });
  // Nothing this session: re-run the cases of the newest bundle, if any.
  const folder = await pickFolder();
  if (!folder) return undefined;
  const newest = (await history.recent(folder, service.bundleLocation(folder)))[0];
  if (!newest) return runSeed(deps);
  return rerunBundle(deps, newest, undefined);
}

/** Re-run a bundle's cases: current definitions by id where they exist, else as recorded in the bundle. */
async function rerunBundle(deps: RunDeps, bundle: Bundle, caseIds: string[] | undefined, panel?: ResultsPanel): Promise<RunOutcome | undefined> {
  const { service } = deps;
  const folder = service.folderOf(bundle.dir) ?? await pickFolder();
  if (!folder) return undefined;
  const { cases } = await service.casesFor(folder);
  const wanted = bundle.cases.filter((c) => !caseIds || caseIds.includes(c.caseId));
  const runCases: Case[] = wanted.map((r) => cases.find((c) => c.id === r.caseId)
    ?? { id: r.caseId, label: r.label, source: 'user', flags: r.flags, fileStem: r.fileStem, thresholds: r.thresholds });
  if (!runCases.length) { void vscode.window.showErrorMessage(`Bundle ${bundle.dir} has no cases to re-run.`); return undefined; }
  const first = bundle.cases[0];
  // Re-running a what-if keeps it one (its cases are the ~whatif copies as recorded): marked, never recordable.
  const whatIf = bundle.whatIf ? { whatIf: bundle.whatIf } : {};
  return runWithUi(deps, { folder, cases: runCases, candidate: first?.candidate.engine, reference: first?.reference.engine, ...whatIf }, { panel });
}

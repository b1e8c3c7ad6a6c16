// Palette commands (category "nanoBragg Parity"). Record attempt is registered by the ledger module.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Bundle, Case, EngineId } from '../shared/types.ts';
import type { RunSettings } from '../core/settings.ts';
import { buildCBinary } from '../core/engines/c/index.ts';
import { probeTorch, torchEnv, resolvePython } from '../core/engines/torch/index.ts';
import type { ParityService, RunRequest, RunOutcome } from './parityService.ts';
import type { ResultsPanel, ResultsPanels } from './panel/resultsPanel.ts';
import type { BundleHistory } from './history.ts';
import type { VerdictStatusBar } from './statusBar.ts';
import { gateRun, refuseInRestrictedMode, restrictedReason } from './trust.ts';
import { bundleDirFromMarkdown, caseLine } from './resultText.ts';
import { knownInterpreters, pythonFromExtension } from './python.ts';
import { errorText, type Log } from './log.ts';

export interface CommandDeps {
  log: Log;
  service: ParityService;
  panels: ResultsPanels;
  history: BundleHistory;
  statusBar: VerdictStatusBar;
  /** Bundle dir of a Test Explorer item's last run (for the testing/message/content menu). */
  bundleForTest(testId: string): string | undefined;
}

const NO_FOLDER = 'nanoBragg Parity needs a folder: open your nanoBragg checkout (File › Open Folder…). Runs write their evidence bundles under its reports/ folder.';

/** The workspace folder to act on: the only one, the active editor's, or ask. */
export async function pickFolder(): Promise<vscode.WorkspaceFolder | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (!folders.length) { void vscode.window.showErrorMessage(NO_FOLDER); return undefined; }
  if (folders.length === 1) return folders[0];
  const active = vscode.window.activeTextEditor?.document.uri;
  const fromEditor = active && vscode.workspace.getWorkspaceFolder(active);
  if (fromEditor) return fromEditor;
  return vscode.window.showWorkspaceFolderPick({ placeHolder: 'Workspace folder to run parity in' });
}

/** A run that wrote no bundle: the message names the cause; offer the fix that matches it. */
async function showRunFailure(error: string, log: Log): Promise<void> {
  const actions = ['Show log'];
  if (/C binary|nanoBragg|golden_suite_generator|NB_C_BIN/i.test(error)) actions.unshift('Build C binary', 'Set nbParity.cBinary');
  if (/python|torch|nanobrag_torch/i.test(error)) actions.unshift('Select Python interpreter');
  const pick = await vscode.window.showErrorMessage(`Parity run failed: ${error}`, ...actions);
  if (pick === 'Show log') log.show();
  if (pick === 'Build C binary') await vscode.commands.executeCommand('nbParity.buildC');
  if (pick === 'Set nbParity.cBinary') await vscode.commands.executeCommand('workbench.action.openSettings', 'nbParity.cBinary');
  if (pick === 'Select Python interpreter') await vscode.commands.executeCommand('nbParity.selectPython');
}

export interface ParityCommands {
  runWithUi(req: Omit<RunRequest, 'token' | 'onProgress'>, opts?: { panel?: ResultsPanel; openPanel?: boolean }): Promise<RunOutcome | undefined>;
  rerunBundle(bundle: Bundle, caseIds: string[] | undefined, panel?: ResultsPanel): Promise<RunOutcome | undefined>;
}

export function registerCommands(context: vscode.ExtensionContext, deps: CommandDeps): ParityCommands {
  const { log, service, panels, history, statusBar } = deps;

  /** A run from the palette/webview: trust gate → cancellable progress notification → status bar + results panel. */
  async function runWithUi(req: Omit<RunRequest, 'token' | 'onProgress'>, opts: { panel?: ResultsPanel; openPanel?: boolean } = {}): Promise<RunOutcome | undefined> {
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
    statusBar.running(ids);
    const outcome = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `nanoBragg Parity: ${ids}`, cancellable: true },
      async (progress, token) => {
        // Overall fraction = mean over (case, side); report increments as VS Code expects.
        const parts = new Map<string, number>();
        const total = Math.max(1, req.cases.length * 2);
        let reported = 0;
        return service.run({
          ...req,
          embeddedOnly,
          token,
          onProgress: (e) => {
            if (e.caseId && e.side && e.fraction !== undefined) parts.set(`${e.caseId}/${e.side}`, Math.min(1, Math.max(0, e.fraction)));
            const overall = ([...parts.values()].reduce((a, b) => a + b, 0) / total) * 100;
            const increment = overall > reported ? overall - reported : undefined;
            if (increment) reported = overall;
            progress.report({ message: e.message, increment });
            panels.progress(e.message, overall / 100);
          },
        });
      },
    );
    panels.progress(outcome.bundle ? 'done' : (outcome.error ?? 'stopped'), 1, true);
    if (!outcome.bundle) {
      statusBar.restore();
      if (outcome.cancelled) void vscode.window.showInformationMessage('Parity run cancelled; no process is left running.');
      else void showRunFailure(outcome.error ?? 'unknown error', log);
      return outcome;
    }
    const bundle = outcome.bundle;
    history.remember(bundle);
    if (outcome.cancelled) {
      statusBar.restore();
      void vscode.window.showInformationMessage(`Parity run cancelled; no process is left running. The partial bundle is ${vscode.workspace.asRelativePath(bundle.dir)}.`, 'Open parity results')
        .then((p) => { if (p) void vscode.commands.executeCommand('nbParity.openResults', vscode.Uri.file(bundle.dir)); });
      return outcome;
    }
    statusBar.showBundle(bundle);
    for (const c of bundle.cases) log.info(caseLine(c));
    if (opts.openPanel !== false) await panels.showRun(bundle, opts.panel);
    const failed = bundle.cases.filter((c) => c.verdict.status !== 'pass');
    const summary = failed.length
      ? `Parity: ${bundle.cases.length - failed.length}/${bundle.cases.length} passed. ${failed.map((c) => `${c.caseId} ${c.verdict.status}: ${c.verdict.reason}`).join('; ')}`
      : `Parity: all ${bundle.cases.length} cases passed (${bundle.stamp}).`;
    const show = failed.length ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
    void show(summary, 'Open parity results', 'Record attempt in fix_plan.md').then((pick) => {
      if (pick === 'Open parity results') void vscode.commands.executeCommand('nbParity.openResults', vscode.Uri.file(bundle.dir));
      if (pick === 'Record attempt in fix_plan.md') void vscode.commands.executeCommand('nbParity.recordAttempt', bundle.dir);
    });
    return outcome;
  }

  async function runSeed(): Promise<RunOutcome | undefined> {
    const folder = await pickFolder();
    if (!folder) return undefined;
    const { cases } = await service.casesFor(folder);
    const seed = cases.filter((c) => c.source === 'builtin');
    if (!seed.length) { void vscode.window.showErrorMessage('The built-in TC-D1/TC-D3 cases are missing (a user case with the same id replaced them?). See the nanoBragg Parity log.'); return undefined; }
    return runWithUi({ folder, cases: seed });
  }

  async function runCase(arg?: unknown): Promise<RunOutcome | undefined> {
    const folder = await pickFolder();
    if (!folder) return undefined;
    const { cases, errors } = await service.casesFor(folder);
    if (errors.length) void vscode.window.showWarningMessage(`Some case definitions were skipped: ${errors[0]}${errors.length > 1 ? ` (+${errors.length - 1} more in the log)` : ''}`);
    let chosen: Case[] | undefined;
    if (typeof arg === 'string') chosen = cases.filter((c) => c.id === arg);
    if (!chosen?.length) {
      const settings = service.bundleLocation(folder);
      const last = await history.lastResults(folder, settings);
      const icon = { pass: '$(pass)', fail: '$(error)', error: '$(warning)' } as const;
      const items = cases.map((c) => {
        const l = last.get(c.id);
        const where = c.location ? `${vscode.workspace.asRelativePath(c.location.file)}:${c.location.line + 1}` : 'built-in';
        return {
          label: `${l ? icon[l.result.verdict.status] + ' ' : ''}${c.id}`,
          description: `${c.source} · ${where}`,
          detail: l ? `last (${l.stamp}): ${caseLine(l.result)}` : 'not run yet',
          caseDef: c,
        };
      });
      const picks = await vscode.window.showQuickPick(items, { canPickMany: true, title: 'Run parity case…', placeHolder: 'Pick the cases to run (Space to select several)', matchOnDescription: true, matchOnDetail: true });
      if (!picks?.length) return undefined;
      chosen = picks.map((p) => p.caseDef);
    }
    return runWithUi({ folder, cases: chosen });
  }

  async function rerunLast(): Promise<RunOutcome | undefined> {
    const last = service.lastRequest;
    if (last) return runWithUi({ folder: last.folder, cases: last.cases, candidate: last.candidate, reference: last.reference, embeddedOnly: last.embeddedOnly });
    // Nothing this session: re-run the cases of the newest bundle, if any.
    const folder = await pickFolder();
    if (!folder) return undefined;
    const newest = (await history.recent(folder, service.bundleLocation(folder)))[0];
    if (!newest) return runSeed();
    return rerunBundle(newest, undefined);
  }

  /** Re-run a bundle's cases: current definitions by id where they exist, else as recorded in the bundle. */
  async function rerunBundle(bundle: Bundle, caseIds: string[] | undefined, panel?: ResultsPanel): Promise<RunOutcome | undefined> {
    const folder = service.folderOf(bundle.dir) ?? await pickFolder();
    if (!folder) return undefined;
    const { cases } = await service.casesFor(folder);
    const wanted = bundle.cases.filter((c) => !caseIds || caseIds.includes(c.caseId));
    const runCases: Case[] = wanted.map((r) => cases.find((c) => c.id === r.caseId)
      ?? { id: r.caseId, label: r.label, source: 'user', flags: r.flags, fileStem: r.fileStem, thresholds: r.thresholds });
    if (!runCases.length) { void vscode.window.showErrorMessage(`Bundle ${bundle.dir} has no cases to re-run.`); return undefined; }
    const first = bundle.cases[0];
    return runWithUi({ folder, cases: runCases, candidate: first?.candidate.engine, reference: first?.reference.engine }, { panel });
  }

  async function resolveBundleDir(arg: unknown): Promise<string | undefined> {
    if (arg instanceof vscode.Uri) {
      const stat = await vscode.workspace.fs.stat(arg).then((s) => s, () => undefined);
      return stat && stat.type & vscode.FileType.Directory ? arg.fsPath : path.dirname(arg.fsPath);
    }
    if (typeof arg === 'string') return arg;
    if (arg && typeof arg === 'object' && 'id' in arg && 'children' in arg) {
      // testing/item/context: the TestItem itself → its last run's bundle (none yet: fall through to the newest).
      const fromTest = deps.bundleForTest((arg as vscode.TestItem).id);
      if (fromTest) return fromTest;
    }
    if (arg && typeof arg === 'object' && 'message' in arg) {
      // testing/message/content: { test?: TestItem, message: TestMessage }
      const { test, message } = arg as { test?: vscode.TestItem; message?: vscode.TestMessage };
      const fromTest = test ? deps.bundleForTest(test.id) : undefined;
      if (fromTest) return fromTest;
      const md = message?.message;
      const text = typeof md === 'string' ? md : md?.value;
      if (text) return bundleDirFromMarkdown(text);
    }
    return undefined;
  }

  async function openBundleDir(dir: string): Promise<void> {
    const bundle = await history.read(dir);
    if (!bundle) {
      void vscode.window.showErrorMessage(`${dir} is not a readable evidence bundle (no metrics.json / summary.json / c_*.bin found, or they are malformed). See the nanoBragg Parity log.`, 'Show log').then((p) => { if (p) log.show(); });
      return;
    }
    await panels.openBundle(bundle);
  }

  async function openResults(arg?: unknown): Promise<void> {
    let dir = await resolveBundleDir(arg);
    if (!dir && service.lastBundle) { await panels.showRun(service.lastBundle); return; }
    if (!dir) {
      const folder = await pickFolder();
      if (!folder) return;
      const newest = (await history.recent(folder, service.bundleLocation(folder)))[0];
      if (!newest) {
        const pick = await vscode.window.showInformationMessage('No evidence bundle yet in this workspace.', 'Run TC-D1/TC-D3 parity', 'Open evidence bundle…');
        if (pick === 'Run TC-D1/TC-D3 parity') await vscode.commands.executeCommand('nbParity.runSeed');
        if (pick === 'Open evidence bundle…') await vscode.commands.executeCommand('nbParity.openBundle');
        return;
      }
      dir = newest.dir;
    }
    await openBundleDir(dir);
  }

  async function openBundle(): Promise<void> {
    const folder = await pickFolder();
    const settings: Partial<RunSettings> = folder ? service.bundleLocation(folder) : {};
    const recent = folder ? await history.recent(folder, settings) : [];
    const icon = { pass: '$(pass)', fail: '$(error)', error: '$(warning)' } as const;
    const items: (vscode.QuickPickItem & { dir?: string })[] = recent.map((b) => {
      const worst = b.cases.some((c) => c.verdict.status === 'error') ? 'error' : b.cases.every((c) => c.verdict.status === 'pass') ? 'pass' : 'fail';
      return { label: `${icon[worst]} ${b.stamp}`, description: vscode.workspace.asRelativePath(b.dir), detail: b.cases.map((c) => `${c.caseId} ${c.verdict.status}`).join(' · '), dir: b.dir };
    });
    items.push({ label: '$(folder-opened) Browse for a bundle folder…' });
    const pick = await vscode.window.showQuickPick(items, { title: 'Open evidence bundle…', placeHolder: recent.length ? 'Recent bundles (newest first)' : 'No bundle found under the reports folder' });
    if (!pick) return;
    let dir = pick.dir;
    if (!dir) {
      const base = folder ? vscode.Uri.joinPath(folder.uri, settings.reportsRoot ?? 'reports') : undefined;
      const chosen = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, canSelectMany: false, defaultUri: base, openLabel: 'Open bundle' });
      dir = chosen?.[0]?.fsPath;
    }
    if (dir) await openBundleDir(dir);
  }

  async function buildC(): Promise<void> {
    if (await refuseInRestrictedMode('make (Build C binary)', (l) => log.warn(l))) return;
    const folder = await pickFolder();
    if (!folder) return;
    const makefile = path.join(folder.uri.fsPath, 'golden_suite_generator', 'Makefile');
    if (!(await fs.stat(makefile).then(() => true, () => false))) {
      void vscode.window.showErrorMessage(`Cannot build the C binary: ${makefile} does not exist. Open the nanoBragg checkout that contains golden_suite_generator/, or set nbParity.cBinary to a built binary.`);
      return;
    }
    log.show();
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'nanoBragg Parity: building the C binary (make -C golden_suite_generator)', cancellable: true },
      async (_p, token) => {
        const ac = new AbortController();
        const sub = token.onCancellationRequested(() => ac.abort());
        try {
          return await buildCBinary(folder.uri.fsPath, { signal: ac.signal, onLog: (l) => log.info(l) });
        } finally { sub.dispose(); }
      },
    );
    if (result.ok) { log.info(result.message); void vscode.window.showInformationMessage(`C binary: ${result.message}`); }
    else { log.error(result.message); void vscode.window.showErrorMessage(result.message, 'Show log').then((p) => { if (p) log.show(); }); }
  }

  async function selectPython(): Promise<void> {
    const folder = await pickFolder();
    if (!folder) return;
    const cfg = vscode.workspace.getConfiguration('nbParity', folder.uri);
    const current = cfg.get<string>('python') || '';
    const fromExt = await pythonFromExtension(folder.uri);
    const known = await knownInterpreters();
    type Item = vscode.QuickPickItem & { value?: string; action?: 'browse' | 'enter' | 'clear' };
    const items: Item[] = [];
    if (fromExt) items.push({ label: '$(star) Python extension’s interpreter', description: fromExt, detail: 'Used automatically when nbParity.python is empty', action: 'clear' });
    for (const k of known) if (k.path !== fromExt) items.push({ label: k.label, description: k.path, value: k.path });
    items.push({ label: '$(edit) Enter interpreter path…', action: 'enter' }, { label: '$(folder-opened) Browse…', action: 'browse' });
    if (current) items.push({ label: '$(clear-all) Clear nbParity.python', description: `now: ${current}`, action: 'clear' });
    const pick = await vscode.window.showQuickPick(items, { title: 'Select Python interpreter for PyTorch', placeHolder: current ? `nbParity.python is ${current}` : 'The interpreter that runs python -m nanobrag_torch' });
    if (!pick) return;
    let value: string | undefined = pick.value;
    if (pick.action === 'enter') value = await vscode.window.showInputBox({ title: 'Python interpreter', value: current || 'python3', prompt: 'Absolute path, a name on PATH, or ${workspaceFolder}/…' });
    if (pick.action === 'browse') value = (await vscode.window.showOpenDialog({ canSelectFiles: true, canSelectMany: false, openLabel: 'Use this interpreter' }))?.[0]?.fsPath;
    if (pick.action !== 'clear' && !value) return;
    const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
    await cfg.update('python', pick.action === 'clear' ? undefined : value, target);
    const resolved = await service.settingsFor(folder);
    log.info(`python for PyTorch: ${resolved.settings.python ?? '(NB_PY_BIN or python3)'} [${resolved.pythonSource}]`);
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage(`${restrictedReason('Python')} The setting was saved; it takes effect once the folder is trusted.`);
      return;
    }
    // Check it: import torch takes ~1.5 s; the result tells the user whether runs will work before they start one.
    const py = resolvePython(folder.uri.fsPath, resolved.settings.python);
    const probe = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Checking ${py.python}…` },
      () => probeTorch(py.python, folder.uri.fsPath, torchEnv(folder.uri.fsPath, resolved.settings.extraEnv ?? {})));
    if (probe.error) {
      log.warn(`python check: ${probe.error}`);
      void vscode.window.showWarningMessage(`${py.python}: ${probe.error}`);
    } else {
      const msg = `${py.python}: Python ${probe.pythonVersion ?? '?'}, torch ${probe.torchVersion ?? 'not importable'}`;
      log.info(msg);
      void vscode.window.showInformationMessage(msg);
    }
  }

  context.subscriptions.push(
    vscode.commands.registerCommand('nbParity.runSeed', runSeed),
    vscode.commands.registerCommand('nbParity.runCase', runCase),
    vscode.commands.registerCommand('nbParity.rerunLast', rerunLast),
    vscode.commands.registerCommand('nbParity.openResults', openResults),
    vscode.commands.registerCommand('nbParity.openBundle', openBundle),
    vscode.commands.registerCommand('nbParity.buildC', buildC),
    vscode.commands.registerCommand('nbParity.selectPython', selectPython),
    vscode.commands.registerCommand('nbParity.showLog', () => log.show()),
    vscode.commands.registerCommand('nbParity.cancel', () => service.cancelAll()),
  );
  return { runWithUi, rerunBundle };
}

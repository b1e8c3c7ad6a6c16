// Extension entry: wires the log, the parity service, status bar, commands, Test Explorer, results panels (+ their
// serializer) and the ledger commands. deactivate() aborts running parity (process trees die) and stops warm
// PyTorch servers, within VS Code's ~5 s budget.
import * as vscode from 'vscode';
import { disposeWarmServers, prewarmTorch } from '../core/engines/torch/warm/index.ts';
import { chooseTorchMode, resolvePython } from '../core/engines/torch/index.ts';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createLog, errorText, type Log } from './log.ts';
import { ParityService } from './parityService.ts';
import { VerdictStatusBar } from './statusBar.ts';
import { BundleHistory } from './history.ts';
import { registerCommands } from './commands.ts';
import { ParityTests } from './testing.ts';
import { VIEW_TYPE, type PanelDeps } from './panel/resultsPanel.ts';
import { ResultsPanels } from './panel/panels.ts';
import { onInterpreterChange } from './python.ts';
import { registerLedgerCommands } from './ledger/index.ts';
import { ResultNotice } from './resultNotice.ts';

/** What activate returns: used by the @vscode/test-electron suite (and handy for other extensions). */
export interface NbParityApi {
  service: ParityService;
  tests: ParityTests;
  panels: ResultsPanels;
  log: Log;
}

let service: ParityService | undefined;

export function activate(context: vscode.ExtensionContext): NbParityApi {
  const log = createLog();
  const svc = new ParityService(log);
  service = svc;
  const statusBar = new VerdictStatusBar();
  const history = new BundleHistory(log);
  context.subscriptions.push(log, svc, statusBar);

  // The panel's Re-run goes through the same command path; the late binding breaks the panels ↔ commands cycle.
  let rerun: PanelDeps['rerun'] = async () => undefined;
  let whatIf: NonNullable<PanelDeps['whatIf']> = async () => ({ ok: false, message: 'nanoBragg Parity is still starting.' });
  const panels = new ResultsPanels({
    extensionUri: context.extensionUri,
    log,
    history,
    service: svc,
    rerun: (bundle, ids, panel) => rerun(bundle, ids, panel),
    whatIf: (bundle, caseId, flags, reason) => whatIf(bundle, caseId, flags, reason),
  });
  context.subscriptions.push(panels);

  const tests = new ParityTests({ log, service: svc, statusBar, history });
  context.subscriptions.push(tests);

  const notice = new ResultNotice(svc.onDidStart);
  context.subscriptions.push(notice);
  const cmds = registerCommands(context, { log, service: svc, panels, history, statusBar, notice, bundleForTest: (id) => tests.bundleFor(id) });
  rerun = async (b, ids, p) => { await cmds.rerunBundle(b, ids, p); };
  whatIf = cmds.whatIf;

  context.subscriptions.push(vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, {
    deserializeWebviewPanel: (panel, state) => panels.restore(panel, state),
  }));

  // nbParity.recordAttempt (palette, webview button, run notification) is the ledger module's.
  registerLedgerCommands(context, { getLastBundleDir: () => svc.lastBundle?.dir, log: (line) => log.info(line) });

  // Trust granted mid-session: the cases and the settings that name programs now apply.
  context.subscriptions.push(vscode.workspace.onDidGrantWorkspaceTrust(() => {
    log.info('Workspace trusted: the C binary and Python may now be launched.');
    void tests.refresh();
  }));
  void onInterpreterChange(() => log.info('Python extension: active interpreter changed; the next PyTorch run uses it (unless nbParity.python is set).'))
    .then((d) => { if (d) context.subscriptions.push(d); });

  void tests.refresh().catch((err) => log.error(`Test Explorer: ${errorText(err)}`));
  void showNewestVerdict(svc, history, statusBar).catch((err) => log.warn(`status bar: ${errorText(err)}`));
  // Warm PyTorch: start the fork-server (torch pre-imported, ~1.5 s saved per run) a little after start-up.
  const prewarmSoon = () => setTimeout(() => { void prewarm(svc, log); }, 5000);
  prewarmSoon();
  context.subscriptions.push(vscode.workspace.onDidGrantWorkspaceTrust(prewarmSoon));
  log.info(`nanoBragg Parity activated (${vscode.workspace.isTrusted ? 'trusted workspace' : 'Restricted Mode: no program will be launched'}).`);
  return { service: svc, tests, panels, log };
}

/** Only in a trusted PyTorch-port checkout whose runs will be warm; failures are logged, runs then go cold. */
async function prewarm(svc: ParityService, log: Log): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder || !vscode.workspace.isTrusted) return;
  const ws = folder.uri.fsPath;
  if (!existsSync(join(ws, 'src', 'nanobrag_torch'))) return;
  const r = await svc.settingsFor(folder);
  if (r.candidate !== 'torch' && r.reference !== 'torch') return;
  if (chooseTorchMode(r.settings) !== 'warm') return;
  const py = resolvePython(ws, r.settings.python);
  log.info(`warm PyTorch: starting the fork-server for ${py.python} ahead of the first run`);
  const ok = await prewarmTorch(py.python, ws, r.settings.extraEnv ?? {}, { onLog: (l: string) => log.info(l) });
  log.info(ok ? 'warm PyTorch: server ready' : 'warm PyTorch: not started; PyTorch runs will start cold');
}

/** After a reload the status bar shows the newest bundle's verdict again (bundles are the memory, not the session). */
async function showNewestVerdict(svc: ParityService, history: BundleHistory, statusBar: VerdictStatusBar): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) return;
  const newest = (await history.recent(folder, svc.bundleLocation(folder), 1))[0];
  if (newest && !svc.lastBundle) statusBar.showBundle(newest, true);
}

export async function deactivate(): Promise<void> {
  // Best effort in VS Code's budget: abort runs (their process trees are killed), then stop warm servers.
  const budget = new Promise((r) => setTimeout(r, 4500));
  await Promise.race([
    (async () => {
      await service?.cancelAll(3000);
      await disposeWarmServers();
    })().catch(() => undefined),
    budget,
  ]);
  service = undefined;
}

// The setup family: build the C binary, pick the Python interpreter for PyTorch, show the log, cancel a run; the
// walkthrough's checks and fixes (walkthrough.ts).
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { buildCBinary } from '../../core/engines/c/index.ts';
import type { ParityService } from '../parityService.ts';
import { refuseInRestrictedMode, restrictedReason } from '../trust.ts';
import { knownInterpreters, pythonFromExtension } from '../python.ts';
import type { Log } from '../log.ts';
import { pickFolder } from './folder.ts';
import { checkPython, registerWalkthroughCommands, writeSetting } from './walkthrough.ts';
import { KEEP_OPEN } from './pickOptions.ts';
import { StepInput } from './stepInput.ts';

export function registerSetupCommands(context: vscode.ExtensionContext, log: Log, service: ParityService): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('nbParity.buildC', () => buildC(log)),
    vscode.commands.registerCommand('nbParity.selectPython', () => selectPython(log, service)),
    vscode.commands.registerCommand('nbParity.showLog', () => log.show()),
    vscode.commands.registerCommand('nbParity.cancel', () => service.cancelAll()),
  );
  registerWalkthroughCommands(context, log, service);
}

async function buildC(log: Log): Promise<void> {
  if (await refuseInRestrictedMode('make (Build C binary)', (l) => log.warn(l))) return;
  const folder = await pickFolder(KEEP_OPEN);
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

async function selectPython(log: Log, service: ParityService): Promise<void> {
  const folder = await pickFolder(KEEP_OPEN);
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
  // The pick and the path box are one widget that never hides between them (stepInput.ts): the keyboard stays in it.
  const steps = new StepInput();
  let pick: Item | undefined, value: string | undefined;
  try {
    pick = await steps.pickOne({ items, title: 'Select Python interpreter for PyTorch', placeholder: current ? `nbParity.python is ${current}` : 'The interpreter that runs python -m nanobrag_torch' });
    if (!pick) return;
    value = pick.value;
    if (pick.action === 'enter') value = await steps.text({ title: 'Python interpreter', value: current || 'python3', prompt: 'Absolute path, a name on PATH, or ${workspaceFolder}/…' });
  } finally { steps.dispose(); }
  if (pick.action === 'browse') value = (await vscode.window.showOpenDialog({ canSelectFiles: true, canSelectMany: false, openLabel: 'Use this interpreter' }))?.[0]?.fsPath;
  if (pick.action !== 'clear' && !value) return;
  // Written where this window reads it (Workspace settings when a folder is open: a remote window ignores User ones).
  if (!(await writeSetting('python', pick.action === 'clear' ? undefined : value, log, folder))) return;
  const resolved = await service.settingsFor(folder);
  log.info(`python for PyTorch: ${resolved.settings.python ?? '(NB_PY_BIN or python3)'} [${resolved.pythonSource}]`);
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage(`${restrictedReason('Python')} The setting was saved; it takes effect once the folder is trusted.`);
    return;
  }
  // Check it: import torch takes ~1.5 s; the result tells the user whether runs will work before they start one.
  await checkPython(service, log, folder);
}

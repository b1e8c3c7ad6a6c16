// The Getting started walkthrough's checks and fixes: C binary (found / build / pick), Python with torch (pick, check,
// show the version), NANOBRAGG_DISABLE_COMPILE (one click into nbParity.extraEnv), settings in a scope this window
// ignores. Each check sets a context key the walkthrough step completes on; each write goes to the scope that takes
// effect in this window (settingsScope.ts) and says where, then reads the value back to prove it took.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { resolveCBinary } from '../../core/engines/c/index.ts';
import { probeTorch, resolvePython, torchEnv } from '../../core/engines/torch/index.ts';
import type { ParityService } from '../parityService.ts';
import { explainScopes, parseJsonc, writeTarget, type SettingScope, type WindowKind } from '../settingsScope.ts';
import type { Log } from '../log.ts';
import { pickFolder } from './folder.ts';
import { KEEP_OPEN } from './pickOptions.ts';

/** The settings whose scope matters (machine-overridable: ignored in User settings of a remote window). */
const MACHINE_KEYS = ['cBinary', 'python', 'extraEnv'] as const;
const SCOPES: Record<string, SettingScope> = { cBinary: 'machine-overridable', python: 'machine-overridable', extraEnv: 'machine-overridable' };

export function windowKind(): WindowKind {
  const folders = vscode.workspace.workspaceFolders ?? [];
  return {
    remoteName: vscode.env.remoteName,
    webHost: vscode.env.uiKind === vscode.UIKind.Web,
    hasWorkspace: folders.length > 0,
    multiRoot: folders.length > 1 || vscode.workspace.workspaceFile !== undefined,
  };
}

/** Writes nbParity.<key> where it takes effect here, checks it took, and tells the user where it went. */
export async function writeSetting(key: string, value: unknown, log: Log, folder?: vscode.WorkspaceFolder): Promise<boolean> {
  const choice = writeTarget(SCOPES[key] ?? 'resource', windowKind());
  if (!choice) {
    void vscode.window.showErrorMessage(`nbParity.${key} cannot take effect in this remote window without a folder: open the nanoBragg checkout as a folder, then set it again.`);
    return false;
  }
  const cfg = vscode.workspace.getConfiguration('nbParity', folder?.uri);
  await cfg.update(key, value, choice.target === 'workspace' ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global);
  const now = vscode.workspace.getConfiguration('nbParity', folder?.uri).get(key);
  const took = JSON.stringify(now ?? null) === JSON.stringify(value ?? null);
  const shown = value === undefined ? '(cleared)' : JSON.stringify(value);
  if (took) {
    log.info(`settings: nbParity.${key} = ${shown} written to ${choice.where}`);
    void vscode.window.showInformationMessage(`nbParity.${key} = ${shown} — saved to ${choice.where}, where this window reads it.`);
  } else {
    const msg = `nbParity.${key} was written to ${choice.where} but this window still reads ${JSON.stringify(now)}: a Folder setting overrides it. Open the folder's .vscode/settings.json to change it there.`;
    log.warn(`settings: ${msg}`);
    void vscode.window.showWarningMessage(msg);
  }
  return took;
}

/** The local User settings file, where the extension host can read it (code-server; a local window). */
async function userFileValues(context: vscode.ExtensionContext): Promise<Record<string, unknown>> {
  // globalStorageUri = <data>/User/globalStorage/<extension id> → <data>/User/settings.json.
  const file = path.resolve(context.globalStorageUri.fsPath, '..', '..', 'settings.json');
  try {
    const v = parseJsonc(await fs.readFile(file, 'utf8')) as unknown;
    return v && typeof v === 'object' ? v as Record<string, unknown> : {};
  } catch {
    return {};
  }
}

/** Every explanation of a machine setting this window ignores or shadows (logged; the caller decides on a toast). */
export async function scopeProblems(context: vscode.ExtensionContext, folder?: vscode.WorkspaceFolder): Promise<string[]> {
  const user = await userFileValues(context);
  const cfg = vscode.workspace.getConfiguration('nbParity', folder?.uri);
  const win = windowKind();
  return MACHINE_KEYS.flatMap((k) => explainScopes(`nbParity.${k}`, SCOPES[k]!, cfg.inspect(k) ?? {}, win, user[`nbParity.${k}`]));
}

async function checkScopes(context: vscode.ExtensionContext, log: Log, quiet: boolean): Promise<void> {
  const problems = await scopeProblems(context, vscode.workspace.workspaceFolders?.[0]);
  for (const p of problems) log.warn(`settings: ${p}`);
  await vscode.commands.executeCommand('setContext', 'nbParity.setup.scopesOk', problems.length === 0);
  if (problems.length) {
    const pick = await vscode.window.showWarningMessage(problems[0]! + (problems.length > 1 ? ` (+${problems.length - 1} more in the log)` : ''), 'Open Getting started', 'Show log');
    if (pick === 'Open Getting started') await openWalkthrough();
    if (pick === 'Show log') log.show();
  } else if (!quiet) {
    void vscode.window.showInformationMessage('nanoBragg Parity settings: every value you set is the one this window uses.');
  }
}

export function openWalkthrough(): Thenable<unknown> {
  return vscode.commands.executeCommand('workbench.action.openWalkthrough', 'nanobragg-parity.nanobragg-parity#nbParity.gettingStarted', false);
}

async function checkC(service: ParityService, log: Log): Promise<void> {
  const folder = await pickFolder(KEEP_OPEN);
  if (!folder) return;
  const s = await service.settingsFor(folder);
  const r = await resolveCBinary(folder.uri.fsPath, s.settings.cBinary);
  await vscode.commands.executeCommand('setContext', 'nbParity.setup.cOk', r.ok);
  if (r.ok) {
    log.info(`setup: C binary ${r.binary.path} (${r.binary.origin})`);
    void vscode.window.showInformationMessage(`C binary found: ${r.binary.path} (${r.binary.origin}).`);
    return;
  }
  log.warn(`setup: ${r.message}`);
  const actions = r.buildable ? ['Build C binary', 'Pick C binary…'] : ['Pick C binary…'];
  const pick = await vscode.window.showWarningMessage(`C binary: ${r.message}`, ...actions);
  if (pick === 'Build C binary') await vscode.commands.executeCommand('nbParity.buildC');
  if (pick === 'Pick C binary…') await vscode.commands.executeCommand('nbParity.setup.pickCBinary');
}

async function pickCBinary(service: ParityService, log: Log): Promise<void> {
  const folder = await pickFolder(KEEP_OPEN);
  if (!folder) return;
  const file = (await vscode.window.showOpenDialog({ canSelectFiles: true, canSelectMany: false, defaultUri: folder.uri, openLabel: 'Use this C binary', title: 'The nanoBragg C binary' }))?.[0];
  if (!file) return;
  if (await writeSetting('cBinary', file.fsPath, log, folder)) await checkC(service, log);
}

/** Checks the interpreter the next run will use: Python and torch versions, or the error naming the program. */
export async function checkPython(service: ParityService, log: Log, folder?: vscode.WorkspaceFolder): Promise<boolean> {
  folder ??= await pickFolder(KEEP_OPEN);
  if (!folder) return false;
  const resolved = await service.settingsFor(folder);
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage('This folder is not trusted (Restricted Mode): no interpreter is launched. Trust it first (the walkthrough\'s last step).');
    return false;
  }
  const py = resolvePython(folder.uri.fsPath, resolved.settings.python);
  const probe = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Checking ${py.python} (import torch)…` },
    () => probeTorch(py.python, folder.uri.fsPath, torchEnv(folder.uri.fsPath, resolved.settings.extraEnv ?? {})));
  const ok = !probe.error && !!probe.torchVersion;
  await vscode.commands.executeCommand('setContext', 'nbParity.setup.pythonOk', ok);
  const source = { setting: 'nbParity.python', 'python-extension': 'the Python extension', default: 'the default (NB_PY_BIN or python3)' }[resolved.pythonSource];
  if (ok) {
    const msg = `${py.python} (from ${source}): Python ${probe.pythonVersion ?? '?'}, torch ${probe.torchVersion}${probe.cudaAvailable ? ', CUDA available' : ''}.`;
    log.info(`setup: ${msg}`);
    void vscode.window.showInformationMessage(msg);
  } else {
    const msg = `${py.python} (from ${source}): ${probe.error ?? 'torch is not installed'}.`;
    log.warn(`setup: ${msg}`);
    void vscode.window.showWarningMessage(msg, 'Select interpreter…').then((p) => { if (p) void vscode.commands.executeCommand('nbParity.selectPython'); });
  }
  return ok;
}

async function disableCompile(log: Log): Promise<void> {
  const folder = await pickFolder(KEEP_OPEN);
  if (!folder) return;
  const cur = vscode.workspace.getConfiguration('nbParity', folder.uri).get<Record<string, string>>('extraEnv') ?? {};
  const next = { ...(typeof cur === 'object' && !Array.isArray(cur) ? cur : {}), NANOBRAGG_DISABLE_COMPILE: '1' };
  const ok = await writeSetting('extraEnv', next, log, folder);
  await vscode.commands.executeCommand('setContext', 'nbParity.setup.compileOff', ok);
}

export function registerWalkthroughCommands(context: vscode.ExtensionContext, log: Log, service: ParityService): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('nbParity.setup.checkC', () => checkC(service, log)),
    vscode.commands.registerCommand('nbParity.setup.pickCBinary', () => pickCBinary(service, log)),
    vscode.commands.registerCommand('nbParity.setup.checkPython', () => checkPython(service, log)),
    vscode.commands.registerCommand('nbParity.setup.disableCompile', () => disableCompile(log)),
    vscode.commands.registerCommand('nbParity.setup.checkSettings', () => checkScopes(context, log, false)),
    vscode.commands.registerCommand('nbParity.setup.open', () => openWalkthrough()),
  );
  // On start-up: a setting the user set where this window does not read it is the first-run trap; say so once.
  void checkScopes(context, log, true).catch(() => undefined);
}

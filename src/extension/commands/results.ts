// The results family: open the results panel on a bundle (from the explorer, Test Explorer, a path or the newest
// bundle) and the "Open evidence bundle…" picker.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { KEEP_OPEN } from './pickOptions.ts';
import type { RunSettings } from '../../core/settings.ts';
import type { ParityService } from '../parityService.ts';
import type { ResultsPanels } from '../panel/panels.ts';
import type { BundleHistory } from '../history.ts';
import { bundleDirFromMarkdown } from '../resultText.ts';
import type { Log } from '../log.ts';
import { pickFolder } from './folder.ts';

export interface ResultDeps {
  log: Log;
  service: ParityService;
  panels: ResultsPanels;
  history: BundleHistory;
  /** Bundle dir of a Test Explorer item's last run (for the testing/message/content menu). */
  bundleForTest(testId: string): string | undefined;
}

export function registerResultCommands(context: vscode.ExtensionContext, deps: ResultDeps): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('nbParity.openResults', (arg?: unknown) => openResults(deps, arg)),
    vscode.commands.registerCommand('nbParity.openBundle', () => openBundle(deps)),
  );
}

async function resolveBundleDir(deps: ResultDeps, arg: unknown): Promise<string | undefined> {
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

async function openBundleDir(deps: ResultDeps, dir: string): Promise<void> {
  const { log, panels, history } = deps;
  const bundle = await history.read(dir);
  if (!bundle) {
    void vscode.window.showErrorMessage(`${dir} is not a readable evidence bundle (no metrics.json / summary.json / c_*.bin found, or they are malformed). See the nanoBragg Parity log.`, 'Show log').then((p) => { if (p) log.show(); });
    return;
  }
  await panels.openBundle(bundle);
}

async function openResults(deps: ResultDeps, arg?: unknown): Promise<void> {
  const { service, panels, history } = deps;
  let dir = await resolveBundleDir(deps, arg);
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
  await openBundleDir(deps, dir);
}

async function openBundle(deps: ResultDeps): Promise<void> {
  const { service, history } = deps;
  const folder = await pickFolder();
  const settings: Partial<RunSettings> = folder ? service.bundleLocation(folder) : {};
  const recent = folder ? await history.recent(folder, settings) : [];
  const icon = { pass: '$(pass)', fail: '$(error)', error: '$(warning)' } as const;
  const items: (vscode.QuickPickItem & { dir?: string })[] = recent.map((b) => {
    const worst = b.cases.some((c) => c.verdict.status === 'error') ? 'error' : b.cases.every((c) => c.verdict.status === 'pass') ? 'pass' : 'fail';
    return { label: `${icon[worst]} ${b.stamp}`, description: vscode.workspace.asRelativePath(b.dir), detail: b.cases.map((c) => `${c.caseId} ${c.verdict.status}`).join(' · '), dir: b.dir };
  });
  items.push({ label: '$(folder-opened) Browse for a bundle folder…' });
  const pick = await vscode.window.showQuickPick(items, { ...KEEP_OPEN, title: 'Open evidence bundle…', placeHolder: recent.length ? 'Recent bundles (newest first)' : 'No bundle found under the reports folder' });
  if (!pick) return;
  let dir = pick.dir;
  if (!dir) {
    const base = folder ? vscode.Uri.joinPath(folder.uri, settings.reportsRoot ?? 'reports') : undefined;
    const chosen = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, canSelectMany: false, defaultUri: base, openLabel: 'Open bundle' });
    dir = chosen?.[0]?.fsPath;
  }
  if (dir) await openBundleDir(deps, dir);
}

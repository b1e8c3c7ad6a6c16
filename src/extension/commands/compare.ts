// "Show case history…": every bundle that ran a case, newest first (verdict, corr, sum ratio, max|Δ|, engines,
// recorded git commit, STAMP) with a chart over time, shown in the results panel of the newest such bundle.
import * as vscode from 'vscode';
import { KEEP_OPEN } from './pickOptions.ts';
import { caseHistory } from '../../core/compare/history.ts';
import type { ResultDeps } from './results.ts';
import { pickFolder } from './folder.ts';

export function registerCompareCommands(context: vscode.ExtensionContext, deps: ResultDeps): void {
  context.subscriptions.push(vscode.commands.registerCommand('nbParity.showCaseHistory', (caseId?: unknown) => showCaseHistory(deps, typeof caseId === 'string' ? caseId : undefined)));
}

async function showCaseHistory(deps: ResultDeps, given?: string): Promise<void> {
  const folder = await pickFolder();
  if (!folder) return;
  const location = deps.service.bundleLocation(folder);
  let caseId = given;
  if (!caseId) {
    const known = [...(await deps.history.lastResults(folder, { reportsRoot: location.reportsRoot })).keys()].sort();
    if (!known.length) { void vscode.window.showInformationMessage('No evidence bundles yet: run a case first.'); return; }
    caseId = await vscode.window.showQuickPick(known, { ...KEEP_OPEN, placeHolder: 'Case whose history to show' });
    if (!caseId) return;
  }
  const rows = await caseHistory(folder.uri.fsPath, caseId, { reportsRoot: location.reportsRoot });
  if (!rows.length) { void vscode.window.showInformationMessage(`No bundle in ${folder.name} ran ${caseId}.`); return; }
  // The history view is a section of the results panel: open the newest bundle that ran the case and show it there
  // (table, chart over time, a click on a row opens that bundle, "Compare" opens the linked compare view).
  const bundle = await deps.history.read(rows[0].bundleDir);
  if (!bundle) { void vscode.window.showWarningMessage(`${rows[0].bundleDir} could not be read.`); return; }
  const panel = await deps.panels.openBundle(bundle);
  await panel.showHistory(caseId);
}

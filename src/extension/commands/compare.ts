// "Show case history…": every bundle that ran a case, newest first (verdict, corr, sum ratio, max|Δ|, engines,
// recorded git commit, STAMP) with a one-line chart over time in the title; picking a row opens that bundle.
import * as vscode from 'vscode';
import { caseHistory } from '../../core/compare/history.ts';
import { historyChart, historyRowDetail, historyRowLabel } from '../../shared/historyText.ts';
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
    caseId = await vscode.window.showQuickPick(known, { placeHolder: 'Case whose history to show' });
    if (!caseId) return;
  }
  const rows = await caseHistory(folder.uri.fsPath, caseId, { reportsRoot: location.reportsRoot });
  if (!rows.length) { void vscode.window.showInformationMessage(`No bundle in ${folder.name} ran ${caseId}.`); return; }
  const picked = await vscode.window.showQuickPick(
    rows.map((r) => ({ label: historyRowLabel(r), detail: historyRowDetail(r), dir: r.bundleDir })),
    { title: `${caseId}: ${rows.length} bundle(s), ${historyChart(rows)}`, placeHolder: 'Pick a bundle to open', matchOnDetail: true },
  );
  if (!picked) return;
  const bundle = await deps.history.read(picked.dir);
  if (bundle) await deps.panels.openBundle(bundle);
}

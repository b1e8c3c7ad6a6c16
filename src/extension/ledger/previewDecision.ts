// The non-modal ledger preview: the diff stays scrollable with the proposed entry in view, and the decision comes
// from editor-title buttons on the diff (Apply / Edit / Cancel, shown while `nbParity.ledgerPreview` is set) or the
// same buttons on a plain notification. Closing the diff tab counts as Cancel. After the decision the diff tabs of
// proposed texts close, so no stale preview stays open.
import * as vscode from 'vscode';
import { PROPOSED_SCHEME } from './proposedContent.ts';

export type PreviewDecision = 'apply' | 'edit' | 'cancel';
export const PREVIEW_CONTEXT = 'nbParity.ledgerPreview';

let pending: ((d: PreviewDecision) => void) | undefined;

export function registerPreviewCommands(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('nbParity.ledger.apply', () => decide('apply')),
    vscode.commands.registerCommand('nbParity.ledger.edit', () => decide('edit')),
    vscode.commands.registerCommand('nbParity.ledger.cancel', () => decide('cancel')),
  );
}

function decide(d: PreviewDecision): void {
  const p = pending;
  pending = undefined;
  p?.(d);
}

function proposedTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.scheme === PROPOSED_SCHEME);
}

/**
 * Waits for the user's decision on the diff(s) already open. `summary`: one line (the attempt and where);
 * `warnings` go into the notification too, so a number collision is seen before Apply.
 */
export async function awaitDecision(summary: string, warnings: readonly string[]): Promise<PreviewDecision> {
  decide('cancel'); // a previous preview still waiting: it is superseded
  await vscode.commands.executeCommand('setContext', PREVIEW_CONTEXT, true);
  const tabWatch = vscode.window.tabGroups.onDidChangeTabs((e) => {
    if (e.closed.some((t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.scheme === PROPOSED_SCHEME) && !proposedTabs().length) decide('cancel');
  });
  try {
    return await new Promise<PreviewDecision>((resolve) => {
      pending = resolve;
      const text = [summary, ...warnings.map((w) => `⚠ ${w}`)].join(' ');
      void vscode.window.showInformationMessage(text, 'Apply', 'Edit', 'Cancel').then((pick) => {
        if (pick) decide(pick.toLowerCase() as PreviewDecision);
      });
    });
  } finally {
    tabWatch.dispose();
    await vscode.commands.executeCommand('setContext', PREVIEW_CONTEXT, false);
    const tabs = proposedTabs();
    if (tabs.length) await vscode.window.tabGroups.close(tabs, true);
  }
}

// The results panel's confirmations as VS Code notifications: the panel is a long page, and a status line at its
// bottom is not seen without scrolling. The webview keeps its own status line for screen readers.
import * as vscode from 'vscode';
import { copiedText, exportedFilesText, exportedText } from '../noticeText.ts';

/** Copy metrics as Markdown: say what went to the clipboard. */
export function confirmCopied(caseCount: number | undefined): void {
  void vscode.window.showInformationMessage(copiedText(caseCount));
}

/** Export PNG: say where the file went, with Open and Reveal (in the Explorer inside the workspace, else the OS). */
export function confirmExported(target: vscode.Uri, bytes: number): void {
  const inWorkspace = !!vscode.workspace.getWorkspaceFolder(target);
  const shown = inWorkspace ? vscode.workspace.asRelativePath(target) : target.fsPath;
  const reveal = inWorkspace ? 'Reveal in Explorer' : 'Reveal in folder';
  void vscode.window.showInformationMessage(exportedText(shown, bytes), 'Open', reveal).then((pick) => {
    if (pick === 'Open') void vscode.commands.executeCommand('vscode.open', target);
    if (pick === reveal) void vscode.commands.executeCommand(inWorkspace ? 'revealInExplorer' : 'revealFileInOS', target);
  });
}

/** Export data (npy / csv): how many files went to which folder, with Reveal. */
export function confirmExportedFiles(folder: vscode.Uri, written: string[]): void {
  const inWorkspace = !!vscode.workspace.getWorkspaceFolder(folder);
  const shown = inWorkspace ? vscode.workspace.asRelativePath(folder) : folder.fsPath;
  const reveal = inWorkspace ? 'Reveal in Explorer' : 'Reveal in folder';
  const first = written[0] ? vscode.Uri.file(written[0]) : folder;
  void vscode.window.showInformationMessage(exportedFilesText(shown, written), reveal).then((pick) => {
    if (pick) void vscode.commands.executeCommand(inWorkspace ? 'revealInExplorer' : 'revealFileInOS', first);
  });
}

/** A request the user made that did not happen (nothing to copy, a refused export target): a warning they see; the
 * returned answer carries the same text to the webview's status line. */
export function warnRefused(message: string, prefix = ''): { ok: false; message: string } {
  void vscode.window.showWarningMessage(prefix + message);
  return { ok: false, message };
}

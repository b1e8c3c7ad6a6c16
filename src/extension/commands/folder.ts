// Which workspace folder a command acts on.
import * as vscode from 'vscode';

const NO_FOLDER = 'nanoBragg Parity needs a folder: open your nanoBragg checkout (File › Open Folder…). Runs write their evidence bundles under its reports/ folder.';

/** The workspace folder to act on: the only one, the active editor's, or ask (`ignoreFocusOut`: see pickOptions.ts). */
export async function pickFolder(opts: { ignoreFocusOut?: boolean } = {}): Promise<vscode.WorkspaceFolder | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (!folders.length) { void vscode.window.showErrorMessage(NO_FOLDER); return undefined; }
  if (folders.length === 1) return folders[0];
  const active = vscode.window.activeTextEditor?.document.uri;
  const fromEditor = active && vscode.workspace.getWorkspaceFolder(active);
  if (fromEditor) return fromEditor;
  return vscode.window.showWorkspaceFolderPick({ placeHolder: 'Workspace folder to run parity in', ignoreFocusOut: opts.ignoreFocusOut });
}

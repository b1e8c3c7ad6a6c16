// Serves proposed ledger/plan texts to `vscode.diff` under a custom scheme (read-only virtual documents).
import * as vscode from 'vscode';
import { Disposable } from '../disposable.ts';

export const PROPOSED_SCHEME = 'nb-parity-proposed';

export class ProposedContent extends Disposable implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private readonly changed = this._register(new vscode.EventEmitter<vscode.Uri>());
  readonly onDidChange = this.changed.event;
  private seq = 0;

  /** A fresh URI per proposal so VS Code never shows a stale cached version; the path keeps the file name for the tab. */
  put(fileName: string, text: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: PROPOSED_SCHEME, path: `/${++this.seq}/${fileName}` });
    this.texts.set(uri.toString(), text);
    return uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }

  forget(uri: vscode.Uri): void {
    this.texts.delete(uri.toString());
  }

  override dispose(): void {
    this.texts.clear();
    super.dispose();
  }
}

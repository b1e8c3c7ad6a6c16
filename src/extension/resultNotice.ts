// One notification per run. Extensions cannot close a message notification (showInformationMessage & co.), so the
// end-of-run notice is a progress notification whose task we keep pending and resolve when the next run starts:
// VS Code then removes it, so a new run's progress never sits next to an old result. A progress notification takes
// no custom buttons and has no close button while it is open, so its actions are command links in the message,
// each closing the notice like a button would, plus "Dismiss" (also in the palette). A full bar, not a spinner.
// A hidden progress toast (Escape, "Clear All") turns into a status bar spinner, which would say "still running":
// so the notice also closes by itself after LIFETIME_MS (longer than VS Code shows a message toast, ~15–20 s).
import * as vscode from 'vscode';
import { Disposable } from './disposable.ts';
import { NOTICE_DISMISS, NOTICE_RUN, noticeLinks, noticeMessage, type NoticeAction } from './noticeText.ts';

const CONTEXT_KEY = 'nbParity.resultNotice';
export const LIFETIME_MS = 90_000;

export class ResultNotice extends Disposable {
  private closeCurrent?: () => void;

  constructor(onRunStart: vscode.Event<unknown>) {
    super();
    // Test Explorer runs do not go through the palette path: close the notice on any run's start.
    this._register(onRunStart(() => this.close()));
    this._register(vscode.commands.registerCommand(NOTICE_RUN, (command: unknown, ...args: unknown[]) => {
      this.close();
      if (typeof command === 'string') return vscode.commands.executeCommand(command, ...args);
      return undefined;
    }));
    this._register(vscode.commands.registerCommand(NOTICE_DISMISS, () => this.close()));
  }

  /** Replaces the current notice (if any) with this one; it stays until the next run, a click, Dismiss, LIFETIME_MS. */
  show(headline: string, actions: NoticeAction[], detail?: string): void {
    this.close();
    const title = noticeMessage(headline, noticeLinks(actions), detail);
    let close!: () => void;
    const closed = new Promise<void>((resolve) => { close = resolve; });
    const timer = setTimeout(() => { if (this.closeCurrent === done) this.close(); }, LIFETIME_MS);
    const done = () => { clearTimeout(timer); close(); };
    this.closeCurrent = done;
    void vscode.commands.executeCommand('setContext', CONTEXT_KEY, true);
    void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: false }, (progress) => {
      progress.report({ increment: 100 });
      return closed;
    });
  }

  /** Removes the current notice from the screen and the notification list. */
  close(): void {
    const c = this.closeCurrent;
    this.closeCurrent = undefined;
    if (!c) return;
    c();
    void vscode.commands.executeCommand('setContext', CONTEXT_KEY, false);
  }

  override dispose(): void {
    this.close();
    super.dispose();
  }
}

// One notification per run. Extensions cannot close a message notification (showInformationMessage & co.), so the
// end-of-run notice is a progress notification whose task we keep pending and resolve when the next run starts:
// VS Code then removes it, so a new run's progress never sits next to an old result. Its actions are command links
// in the message (progress notifications take no custom buttons). A full determinate bar, not a spinner, says "done".
import * as vscode from 'vscode';
import { Disposable } from './disposable.ts';
import { noticeMessage, type NoticeAction } from './noticeText.ts';

export class ResultNotice extends Disposable {
  private closeCurrent?: () => void;
  /** How many notices were closed to make room for a run (the log says so; tests read it). */
  closedCount = 0;

  constructor(onRunStart: vscode.Event<unknown>) {
    super();
    // Test Explorer runs do not go through the palette path: close the notice on any run's start.
    this._register(onRunStart(() => this.close()));
  }

  /** Replaces the current notice (if any) with this one; it stays until the next run, `close()` or disposal. */
  show(headline: string, actions: NoticeAction[], detail?: string): void {
    this.close();
    const title = noticeMessage(headline, actions, detail);
    let close!: () => void;
    const closed = new Promise<void>((resolve) => { close = resolve; });
    this.closeCurrent = close;
    void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: false }, (progress) => {
      progress.report({ increment: 100 });
      return closed;
    });
  }

  /** Removes the current notice from the screen and the notification list. */
  close(): void {
    const c = this.closeCurrent;
    this.closeCurrent = undefined;
    if (c) { this.closedCount++; c(); }
  }

  override dispose(): void {
    this.close();
    super.dispose();
  }
}

// A chain of quick picks and input boxes that never closes between its steps. With one `showQuickPick` /
// `showInputBox` after another, the widget hides on each Enter and VS Code hands the focus back to where it was
// before (our results panel's webview, by a delayed message to its frame); the next step, shown meanwhile, stayed on
// screen (KEEP_OPEN) but without the keyboard, so the user's next Enter went to the webview (e2e scenario 3 in a
// clean CI run). Here each accepted step stays up, busy, until the next one is shown in its place, so the widget
// never hides and keeps the focus; only `close()` (or Escape) hides it.
import * as vscode from 'vscode';
import { KEEP_OPEN } from './pickOptions.ts';

export interface StepPickOptions<T extends vscode.QuickPickItem> {
  title: string;
  items: readonly T[];
  placeholder?: string;
  matchOnDescription?: boolean;
  matchOnDetail?: boolean;
}

export interface StepTextOptions {
  title: string;
  prompt?: string;
  placeholder?: string;
  value?: string;
}

export class StepInput implements vscode.Disposable {
  private current: vscode.QuickInput | undefined;

  /** One item, or undefined when the user pressed Escape. */
  pickOne<T extends vscode.QuickPickItem>(o: StepPickOptions<T>): Promise<T | undefined> {
    const qp = this.pickWidget(o, false);
    return this.await<T | undefined>(qp, (done) => qp.onDidAccept(() => { const sel = qp.selectedItems[0] ?? qp.activeItems[0]; if (sel) done(sel); }));
  }

  /** The checked items (items with `picked` start checked), or undefined when the user pressed Escape. */
  pickMany<T extends vscode.QuickPickItem>(o: StepPickOptions<T>): Promise<T[] | undefined> {
    const qp = this.pickWidget(o, true);
    qp.selectedItems = o.items.filter((i) => i.picked);
    return this.await<T[] | undefined>(qp, (done) => qp.onDidAccept(() => done([...qp.selectedItems])));
  }

  /** The typed text ('' allowed), or undefined when the user pressed Escape. */
  text(o: StepTextOptions): Promise<string | undefined> {
    const box = vscode.window.createInputBox();
    Object.assign(box, KEEP_OPEN, { title: o.title, prompt: o.prompt, placeholder: o.placeholder, value: o.value ?? '' });
    return this.await<string | undefined>(box, (done) => box.onDidAccept(() => done(box.value)));
  }

  /** Hides the widget (before a modal dialog, an editor, or at the end of the flow). */
  close(): void {
    this.current?.dispose();
    this.current = undefined;
  }

  dispose(): void { this.close(); }

  private pickWidget<T extends vscode.QuickPickItem>(o: StepPickOptions<T>, many: boolean): vscode.QuickPick<T> {
    const qp = vscode.window.createQuickPick<T>();
    Object.assign(qp, KEEP_OPEN, {
      title: o.title, placeholder: o.placeholder, items: o.items, canSelectMany: many,
      matchOnDescription: !!o.matchOnDescription, matchOnDetail: !!o.matchOnDetail,
    });
    return qp;
  }

  /** Shows `input` in place of the previous step, resolves on accept (leaving it up and busy) or on hide (undefined). */
  private await<R>(input: vscode.QuickInput, onAccept: (done: (r: R) => void) => vscode.Disposable): Promise<R> {
    return new Promise<R>((resolve) => {
      let settled = false;
      const finish = (r: R) => {
        if (settled) return;
        settled = true;
        subs.forEach((d) => d.dispose());
        resolve(r);
      };
      const subs = [
        onAccept((r) => { input.busy = true; input.enabled = false; finish(r); }),
        // Escape (or, for a step left up, being replaced): undefined; a replaced step has settled already.
        input.onDidHide(() => { finish(undefined as R); if (this.current === input) this.current = undefined; input.dispose(); }),
      ];
      const previous = this.current;
      this.current = input;
      input.show();
      previous?.dispose();
    });
  }
}

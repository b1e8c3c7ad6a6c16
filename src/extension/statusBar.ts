// Status bar: the last verdict (click → results), a spinner while a run is going (click → log).
import * as vscode from 'vscode';
import type { Bundle } from '../shared/types.ts';
import { bundleAge, bundleStatus } from './resultText.ts';
import { Disposable } from './disposable.ts';

export class VerdictStatusBar extends Disposable {
  private readonly item: vscode.StatusBarItem;
  private last?: Bundle;
  private lastFromEarlier = false;

  constructor() {
    super();
    this.item = this._register(vscode.window.createStatusBarItem('nbParity.verdict', vscode.StatusBarAlignment.Left, 50));
    this.item.name = 'nanoBragg Parity';
    this.idle();
  }

  private idle(): void {
    this.item.text = '$(beaker) Parity';
    this.item.tooltip = 'nanoBragg Parity: no run yet. Click to run TC-D1/TC-D3.';
    this.item.command = 'nbParity.runSeed';
    this.item.backgroundColor = undefined;
    this.item.show();
  }

  running(message: string): void {
    this.item.text = `$(sync~spin) Parity: ${message}`;
    this.item.tooltip = 'nanoBragg Parity is running. Click to show the log.';
    this.item.command = 'nbParity.showLog';
    this.item.backgroundColor = undefined;
    this.item.show();
  }

  /** Back to the last verdict (or idle) after a run that produced no bundle. */
  restore(): void {
    if (this.last) this.showBundle(this.last, this.lastFromEarlier);
    else this.idle();
  }

  /**
   * `fromEarlier`: the bundle was found on disk at start-up, not produced by a run of this session: the text says how
   * old it is ("· 3 h old"), so a red verdict from yesterday is not mistaken for the current state. Click → that bundle.
   */
  showBundle(bundle: Bundle, fromEarlier = false, now = new Date()): void {
    this.last = bundle;
    this.lastFromEarlier = fromEarlier;
    const s = bundleStatus(bundle);
    const age = fromEarlier ? bundleAge(bundle.stamp, now) : undefined;
    this.item.text = age ? `${s.text} · ${age === 'just now' ? 'from just now' : `${age} old`}` : s.text;
    this.item.tooltip = age ? `From an earlier bundle (${bundle.stamp}, ${age} old); no run yet in this window.\n${s.tooltip}` : s.tooltip;
    this.item.command = { command: 'nbParity.openResults', title: 'Open parity results', arguments: [vscode.Uri.file(bundle.dir)] };
    this.item.backgroundColor = s.status === 'pass' ? undefined
      : new vscode.ThemeColor(s.status === 'fail' ? 'statusBarItem.errorBackground' : 'statusBarItem.warningBackground');
    this.item.show();
  }
}

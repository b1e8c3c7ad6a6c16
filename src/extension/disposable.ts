// A base for host objects that own VS Code resources (listeners, emitters, watchers, status bar items), in the
// manner of VS Code's own `Disposable`: subclasses `_register` what they own and get one idempotent `dispose`,
// instead of each keeping a `disposables[]` array and a `disposed` flag. Type-only vscode import: unit-testable.
import type * as vscode from 'vscode';

export abstract class Disposable implements vscode.Disposable {
  private readonly owned: vscode.Disposable[] = [];
  private disposedFlag = false;

  /** True once dispose() has started: late callbacks (a load finishing, a message arriving) check it. */
  protected get isDisposed(): boolean {
    return this.disposedFlag;
  }

  /** Own `d`: it is disposed with this object (in registration order), or at once if this one is already gone. */
  protected _register<T extends vscode.Disposable>(d: T): T {
    if (this.disposedFlag) d.dispose();
    else this.owned.push(d);
    return d;
  }

  /**
   * Disposes everything registered, once; later calls do nothing. A subclass that overrides it checks
   * `isDisposed` first and calls `super.dispose()`. Every owned resource is disposed even if one throws.
   */
  dispose(): void {
    if (this.disposedFlag) return;
    this.disposedFlag = true;
    const errors: unknown[] = [];
    for (const d of this.owned.splice(0)) {
      try { d.dispose(); } catch (e) { errors.push(e); }
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, `${errors.length} resources failed to dispose`);
  }
}

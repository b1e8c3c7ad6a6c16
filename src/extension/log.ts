// The "nanoBragg Parity" log channel: every command line, its environment and its output (runParity's onLog),
// plus what the extension decided and why (settings problems, Restricted Mode refusals).
import * as vscode from 'vscode';

export interface Log {
  info(line: string): void;
  warn(line: string): void;
  error(line: string): void;
  show(): void;
  readonly channel: vscode.LogOutputChannel;
}

export function createLog(): Log & vscode.Disposable {
  const channel = vscode.window.createOutputChannel('nanoBragg Parity', { log: true });
  return {
    channel,
    // Multi-line output (tracebacks, build logs) stays readable: one log entry per line.
    info: (line) => { for (const l of line.split(/\r?\n/)) channel.info(l); },
    warn: (line) => { for (const l of line.split(/\r?\n/)) channel.warn(l); },
    error: (line) => { for (const l of line.split(/\r?\n/)) channel.error(l); },
    show: () => channel.show(true),
    dispose: () => channel.dispose(),
  };
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

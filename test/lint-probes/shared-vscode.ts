// probe: src/shared/probe.ts
// expect: src/shared runs in the webview too: no vscode import.
import * as vscode from 'vscode';
export const x = vscode;

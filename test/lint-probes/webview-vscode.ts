// probe: media/webview/probe.ts
// expect: Webview code runs in the browser: talk to the host through the protocol.
import * as vscode from 'vscode';
export const x = vscode;

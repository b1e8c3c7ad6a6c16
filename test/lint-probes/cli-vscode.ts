// probe: src/cli/probe.ts
// expect: The CLI is headless: import vscode only under src/extension/.
import * as vscode from 'vscode';
export const x = vscode;

// probe: src/core/probe.ts
// expect: The core is pure: import vscode only under src/extension/.
import * as vscode from 'vscode';
export const x = vscode;

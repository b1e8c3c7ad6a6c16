// probe: src/shared/probe.ts
// expect: src/shared runs in the webview too: no node: import.
import { readFileSync } from 'node:fs';
export const x = readFileSync;

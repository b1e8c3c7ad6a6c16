// probe: media/webview/probe.ts
// expect: Webview code may import only src/shared and browser packages.
import { readFileSync } from 'node:fs';
export const x = readFileSync;

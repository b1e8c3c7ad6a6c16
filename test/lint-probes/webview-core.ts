// probe: media/webview/probe.ts
// expect: Webview code may import only src/shared and browser packages.
import { judge } from '../../src/core/metrics/verdict.ts';
export const x = judge;

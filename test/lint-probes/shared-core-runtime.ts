// probe: src/shared/probe.ts
// expect: src/shared is the ground floor: only type imports from core/cli/extension.
import { judge } from '../core/metrics/verdict.ts';
export const x = judge;

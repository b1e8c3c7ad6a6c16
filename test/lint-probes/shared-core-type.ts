// probe: src/shared/probe.ts
// expect: (clean)
import type { RunSettings } from '../core/settings.ts';
export type X = RunSettings;

// What the run commands return to whoever executed them. A command run from the palette, a keybinding or a menu
// answers the window over the extension host's channel as JSON: a RunOutcome with its bundle's Float32Array images
// became {"0":…,"1":…} — 63 MB for one 1024² case — which blocked the extension host ~7 s serialising it and then
// queued every later message (the results panel's snapshot and images) behind it for ~30 s (issue 15's first paint).
// So the commands hand back the outcome without pixels, functions or tokens; the images are in the bundle's files.
import type { Bundle } from '../../shared/types.ts';
import type { RunOutcome } from '../parityService.ts';

export interface RunCommandResult {
  /** The bundle as recorded, without image arrays (EngineRun.image, attribution model images). */
  bundle?: Bundle;
  cancelled: boolean;
  error?: string;
}

function withoutPixels(_key: string, value: unknown): unknown {
  return ArrayBuffer.isView(value) ? undefined : value;
}

export function runCommandResult(outcome: RunOutcome | undefined): RunCommandResult | undefined {
  if (!outcome) return undefined;
  const bundle = outcome.bundle ? JSON.parse(JSON.stringify(outcome.bundle, withoutPixels)) as Bundle : undefined;
  return { bundle, cancelled: outcome.cancelled, ...(outcome.error !== undefined ? { error: outcome.error } : {}) };
}

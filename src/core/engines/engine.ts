// One interface for the three simulators. An engine runs one case on one side, in an empty scratch folder that the
// orchestration created, writes its float image to `outFile`, and returns an EngineRun (never throws for a failed
// run: failures are values the verdict explains; it throws only for programming errors).
import type { Case, EmbeddedOptions, EngineId, EngineRun, Side } from '../../shared/types.ts';
import type { EngineSettings } from '../settings.ts';
import { readFloatImage, expectedSizeFromFlags, sizeFromStdout, ImageError } from '../images/floatImage.ts';
import { parseEffectiveConfig } from '../diagnosis/effectiveConfig.ts';

export interface EngineContext {
  workspace: string;
  settings: EngineSettings;
}

export interface EngineRunRequest {
  caseDef: Case;
  side: Side;
  workspace: string;
  /** Empty folder that becomes the program's working directory. */
  scratchDir: string;
  /** Absolute path of the -floatfile output (inside scratchDir). */
  outFile: string;
  settings: EngineSettings;
  /** Embedded engine only: preset/forks for this side. */
  embedded?: EmbeddedOptions;
  timeoutMs?: number;
  signal?: AbortSignal;
  onLog?: (line: string) => void;
  onProgress?: (fraction: number) => void;
  /** False: never reuse an earlier C run nor record this one (traces: their scratch folder is temporary). */
  reuse?: false;
}

export interface Engine {
  id: EngineId;
  /** One line saying what will run (binary path + sha256, interpreter, embedded version + preset). */
  describe(ctx: EngineContext): Promise<string>;
  run(req: EngineRunRequest): Promise<EngineRun>;
}

export const ENGINE_LABEL: Record<EngineId, string> = { c: 'C', torch: 'PyTorch', embedded: 'embedded' };

/**
 * After a program ended normally: read its image, checking the size against the flags and against what it printed.
 * Returns the fields to merge into the EngineRun (image, size, error).
 */
export async function collectImage(outFile: string, flags: string[], stdout: string):
  Promise<{ image?: Float32Array; fpixels: number; spixels: number; error?: string }> {
  const fromFlags = expectedSizeFromFlags(flags);
  const fromStdout = sizeFromStdout(stdout);
  const size = fromStdout ?? fromFlags;
  if (!size) return { fpixels: 0, spixels: 0, error: `cannot tell the image size: no detector size in the flags or in the program's stdout` };
  if (fromFlags && fromStdout && (fromFlags.fpixels !== fromStdout.fpixels || fromFlags.spixels !== fromStdout.spixels)) {
    return { ...size, error: `the flags ask for ${fromFlags.fpixels}×${fromFlags.spixels} pixels but the program reported ${fromStdout.fpixels}×${fromStdout.spixels}` };
  }
  try {
    return { image: await readFloatImage(outFile, size), ...size };
  } catch (err) {
    if (err instanceof ImageError) return { ...size, error: err.message };
    throw err;
  }
}

/** Effective configuration from a program's stdout (+stderr, which carries PyTorch's warnings); never throws. */
export function effectiveConfigOf(stdout: string, engine: EngineId, stderr: string, flags: string[]): EngineRun['effectiveConfig'] {
  try {
    return parseEffectiveConfig(stdout, engine, { stderr, flags });
  } catch {
    return undefined;
  }
}

// What every case of one parity run shares: options, engines, the bundle writer and the run-level collections.
import type { EngineId } from '../../shared/types.ts';
import type { BundleWriter } from '../evidence/bundleWriter.ts';
import type { CommandEntry } from '../evidence/texts.ts';
import type { ParityOptions } from '../settings.ts';
import type { PreparedEngines } from './prepare.ts';
import type { PreviewQueue } from './previews.ts';

export interface ParityTiming {
  /** Engine resolution (C build included) and bundle folder creation. */
  prepareMs: number;
  cases: { caseId: string; preflightMs: number; runMs: number; postMs: number }[];
  /** After the last case: env.json, metrics.json, summary.md..., complete.json, then the last previews. */
  finalizeMs: number;
  /** From the start to complete.json written (the bundle is complete; the last previews may still follow). */
  completeMs?: number;
  /** Part of finalizeMs after complete.json: the last previews encoded and added, the marker refreshed. */
  previewWaitMs?: number;
  totalMs: number;
}

export interface RunContext {
  opts: ParityOptions;
  reference: EngineId;
  candidate: EngineId;
  prepared: PreparedEngines;
  writer: BundleWriter;
  previews: PreviewQueue;
  log: (line: string) => void;
  timing: ParityTiming;
  /** commands.txt entries, per case index. */
  commandEntries: CommandEntry[][];
  /** `--explain` results per case stem: the JSON record and its Markdown for summary.md. */
  attributions: Record<string, unknown>;
  attributionMarkdown: Record<string, string>;
}

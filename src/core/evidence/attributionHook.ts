// `--explain`: hand a failed case to the analysis layer's attribute() (src/core/attribution), store the best model
// image beside the bundle's images (model_<stem>.bin) and return the JSON record plus its Markdown for summary.md.
// Loaded lazily by parity.ts, so runs without --explain never load the attribution search.
import { join } from 'node:path';
import type { Case, CaseResult, EngineId, PresetName } from '../../shared/types.ts';
import type { ParityOptions } from '../settings.ts';
import { absolutizeFlags, stripOutputFlags } from '../cases/flags.ts';
import { attribute, attributionToJson, formatAttributionMarkdown } from '../attribution/index.ts';
import { encodeFloat32LE } from '../images/floatImage.ts';
import { writeFileAtomic } from './atomic.ts';
import { bundleFiles } from './layout.ts';

/** The embedded preset that stands for the reference engine. */
function presetFor(engine: EngineId, r: CaseResult): PresetName {
  if (engine === 'embedded') return ((r.reference.info?.preset as PresetName | undefined) ?? 'c');
  return engine === 'torch' ? 'pytorch' : 'c';
}

export async function attributeCase(c: Case, r: CaseResult, workspace: string, opts: ParityOptions, bundleDir: string):
  Promise<{ json: unknown; markdown: string } | undefined> {
  if (!r.reference.image || !r.candidate.image) return undefined;
  opts.onProgress?.({ caseId: c.id, message: `${c.id}: attributing the gap to named forks (--explain)…` });
  const a = await attribute({
    flags: absolutizeFlags(stripOutputFlags(c.flags), workspace),
    cwd: workspace,
    referencePreset: presetFor(opts.reference, r),
    reference: r.reference.image,
    candidate: r.candidate.image,
    fpixels: r.reference.fpixels,
    spixels: r.reference.spixels,
    mismatches: r.mismatches,
    thresholds: c.thresholds,
    signal: opts.signal,
  });
  if (a.modelImage) await writeFileAtomic(join(bundleDir, bundleFiles.model(c.fileStem)), encodeFloat32LE(a.modelImage));
  opts.onLog?.(`${c.id}: attribution ${a.status} — ${a.summary}`);
  return { json: { ...attributionToJson(a), modelFile: a.modelImage ? bundleFiles.model(c.fileStem) : undefined }, markdown: formatAttributionMarkdown(a) };
}

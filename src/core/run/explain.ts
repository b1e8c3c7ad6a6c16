// `run --explain` for one failed case: the single attribution entry point (attribution/forCase.ts) with the run's
// own flags, preset and mismatches; the best model image goes into the bundle beside the case's images.
import type { Case, CaseResult } from '../../shared/types.ts';
import { absolutizeFlags, stripOutputFlags } from '../cases/flags.ts';
import { attributionToJson, formatAttributionMarkdown } from '../attribution/index.ts';
import { attributeCaseResult } from '../attribution/forCase.ts';
import type { RunContext } from './context.ts';

export async function explainCase(ctx: RunContext, c: Case, r: CaseResult): Promise<{ json: unknown; markdown: string } | undefined> {
  const { opts } = ctx;
  if (!r.reference.image || !r.candidate.image) return undefined;
  opts.onProgress?.({ caseId: c.id, message: `${c.id}: attributing the gap to named forks (--explain)…` });
  const a = await attributeCaseResult(r, {
    flags: absolutizeFlags(stripOutputFlags(c.flags), opts.workspace),
    cwd: opts.workspace,
    reference: r.reference.image,
    candidate: r.candidate.image,
    fpixels: r.reference.fpixels,
    spixels: r.reference.spixels,
    mismatches: r.mismatches,
    signal: opts.signal,
  });
  const modelFile = a.modelImage ? await ctx.writer.writeModel(c.fileStem, a.modelImage) : undefined;
  opts.onLog?.(`${c.id}: attribution ${a.status} — ${a.summary}`);
  return { json: { ...attributionToJson(a), modelFile }, markdown: formatAttributionMarkdown(a) };
}

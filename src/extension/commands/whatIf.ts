// "Run with this fix" from the results panel: the case as the bundle ran it (same flags, thresholds, engines), the
// suggested flags added on both sides, run through the same path as every run (trust gate, cancellable progress,
// runParity) into a NEW bundle marked as a what-if; then the original and the what-if open side by side in the
// linked compare view. The what-if is never the case itself: suffixed ids, the bundle marker, no Record.
import type { Bundle, Case } from '../../shared/types.ts';
import { whatIfCase, whatIfMarker } from '../../core/cases/whatIf.ts';
import { isWhatIfBundle } from '../panel/viewModel.ts';
import type { ParityService, RunOutcome, RunRequest } from '../parityService.ts';
import type { ResultsPanels } from '../panel/panels.ts';
import type { Log } from '../log.ts';

export type WhatIfAnswer = { ok: boolean; message: string };
/** run.ts's runWithUi (trust gate → cancellable progress → runParity → status bar, notification). */
type RunWithUi = (req: Omit<RunRequest, 'token' | 'onProgress'>, opts?: { openPanel?: boolean }) => Promise<RunOutcome | undefined>;
interface WhatIfDeps { log: Log; service: ParityService; panels: ResultsPanels }

/** The case to try the fix on: the bundle's recorded flags, thresholds and ROI over today's definition (its embedded options, location). */
export function caseAsRun(bundle: Bundle, caseId: string, current: Case | undefined): Case | undefined {
  const r = bundle.cases.find((c) => c.caseId === caseId);
  if (!r) return undefined;
  const base: Case = current ?? { id: r.caseId, label: r.label, source: 'user', flags: r.flags, fileStem: r.fileStem, thresholds: r.thresholds };
  const c: Case = { ...base, id: r.caseId, label: r.label, flags: [...r.flags], fileStem: r.fileStem, thresholds: r.thresholds };
  if (r.roi) c.roi = r.roi; else delete c.roi;
  return c;
}

export async function runWhatIf(deps: WhatIfDeps, runWithUi: RunWithUi, bundle: Bundle, caseId: string, flags: string[], reason?: string): Promise<WhatIfAnswer> {
  if (isWhatIfBundle(bundle)) return { ok: false, message: `${bundle.stamp} is already a what-if; open the original bundle to try another fix.` };
  const folder = deps.service.folderOf(bundle.dir);
  if (!folder) return { ok: false, message: `${bundle.dir} is outside the open workspace folders: open its workspace to run a what-if.` };
  const { cases } = await deps.service.casesFor(folder);
  const original = caseAsRun(bundle, caseId, cases.find((c) => c.id === caseId));
  if (!original) return { ok: false, message: `${bundle.dir} has no case ${caseId}.` };
  const tried = whatIfCase(original, flags);
  const recorded = bundle.cases.find((c) => c.caseId === caseId)!;
  deps.log.info(`what-if: ${caseId} with ${flags.join(' ')} on both sides (${reason ?? 'suggested by the diagnosis'}), against ${bundle.dir}`);
  const outcome = await runWithUi(
    { folder, cases: [tried], reference: recorded.reference.engine, candidate: recorded.candidate.engine, whatIf: whatIfMarker([original], flags, reason) },
    { openPanel: false },
  );
  if (!outcome) return { ok: false, message: `What-if of ${caseId} not started (another run is in progress, or the Restricted Mode prompt was dismissed).` };
  if (!outcome.bundle || outcome.cancelled) return { ok: false, message: outcome.cancelled ? `What-if of ${caseId} cancelled; no process is left running.` : `What-if of ${caseId} failed: ${outcome.error ?? 'no bundle'}` };
  const result = outcome.bundle.cases.find((c) => c.caseId === tried.id);
  await deps.panels.openCompare({ a: bundle.dir, b: outcome.bundle.dir, caseId, caseIdB: tried.id, labels: { a: 'original', b: 'what-if' } }, true);
  return { ok: true, message: `What-if ${tried.id} (${flags.join(' ')} on both sides): ${recorded.verdict.status} → ${result?.verdict.status ?? 'unknown'}; bundle ${outcome.bundle.stamp}, opened beside the original.` };
}

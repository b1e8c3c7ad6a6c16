// The panel's "trace this pixel": the same trace run as `nb-parity trace`, on the engines the shown bundle compared,
// with the folder's settings (Workspace Trust applied), filed into the shown bundle. Cancellable; one at a time per panel.
import type { Bundle, Case, EngineRun } from '../../shared/types.ts';
import type { TracePixelRequest, TraceView } from '../../shared/traceMessages.ts';
import { runTrace } from '../../core/run/trace.ts';
import type { RunSettings } from '../../core/settings.ts';
import type { ParityService } from '../parityService.ts';
import type { Log } from '../log.ts';
import { traceViewOf } from './traceView.ts';

export interface PanelTraceRequest {
  bundle: Bundle;
  caseId: string;
  pixel: TracePixelRequest;
  signal: AbortSignal;
  onProgress: (message: string, fraction?: number) => void;
}

export async function tracePanelPixel(service: ParityService, log: Log, req: PanelTraceRequest): Promise<TraceView> {
  const { bundle } = req;
  const folder = service.folderOf(bundle.dir);
  if (!folder) throw new Error(`${bundle.dir} is not inside an open workspace folder: open the nanoBragg checkout to trace its cases.`);
  const shown = bundle.cases.find((c) => c.caseId === req.caseId);
  if (!shown) throw new Error(`no case ${req.caseId} in bundle ${bundle.stamp}`);
  const resolved = await service.settingsFor(folder);
  for (const p of resolved.problems) log.warn(`settings: ${p}`);
  const { cases } = await service.casesFor(folder);
  // The case as the workspace defines it now; else as the bundle recorded it (same flags, same file stem).
  const caseDef: Case = cases.find((c) => c.id === shown.caseId) ?? {
    id: shown.caseId, label: shown.label, source: 'user', flags: shown.flags, fileStem: shown.fileStem, thresholds: shown.thresholds,
  };
  const settings: RunSettings = { ...resolved.settings, embedded: { reference: presetOf(shown.reference), candidate: presetOf(shown.candidate) } };
  log.info(`── trace: ${caseDef.id} pixel ${typeof req.pixel === 'string' ? req.pixel : `(${req.pixel.slow}, ${req.pixel.fast})`} · reference ${shown.reference.engine} vs candidate ${shown.candidate.engine} · bundle ${bundle.dir}`);
  const r = await runTrace({
    workspace: folder.uri.fsPath, caseDef, reference: shown.reference.engine, candidate: shown.candidate.engine, settings,
    pixel: req.pixel, bundleDir: bundle.dir, signal: req.signal,
    onProgress: (e) => { if (!/\d+%$/.test(e.message)) req.onProgress(e.message, e.fraction); },
    onLog: (line) => log.info(line),
  });
  log.info(`${r.diff.text} (${Math.round(r.timing.totalMs)} ms; ${r.record.files.markdown})`);
  return traceViewOf(r);
}

/** The embedded preset a bundle's side ran with, so the trace reproduces that side. */
function presetOf(run: EngineRun): { preset: 'c' | 'pytorch' } | undefined {
  const p = run.info?.preset;
  return p === 'c' || p === 'pytorch' ? { preset: p } : undefined;
}

/** One trace at a time per panel: start, cancel, and abort on dispose. */
export class PanelTracer {
  private running?: AbortController;

  constructor(private readonly service: ParityService, private readonly log: Log) {}

  async start(bundle: Bundle | undefined, caseId: string, pixel: TracePixelRequest,
    post: { result: (v: TraceView) => Promise<unknown>; progress: (message: string, fraction?: number, done?: boolean) => void }): Promise<{ ok: boolean; message?: string }> {
    if (!bundle) return { ok: false, message: 'No bundle is shown.' };
    if (this.running) return { ok: false, message: 'A trace is already running: cancel it first.' };
    const ac = new AbortController();
    this.running = ac;
    post.progress(`Tracing ${caseId}…`, 0);
    try {
      const view = await tracePanelPixel(this.service, this.log, {
        bundle, caseId, pixel, signal: ac.signal, onProgress: (m, f) => post.progress(m, f),
      });
      await post.result(view);
      return { ok: true, message: view.text };
    } catch (err) {
      if (ac.signal.aborted) return { ok: false, message: 'Trace cancelled: its processes were stopped and nothing was filed.' };
      const message = (err as Error)?.message ?? String(err);
      this.log.warn(`trace: ${message}`);
      return { ok: false, message: `Trace failed: ${message}` };
    } finally {
      if (this.running === ac) this.running = undefined;
      post.progress(ac.signal.aborted ? 'Trace cancelled.' : 'Trace finished.', 1, true);
    }
  }

  cancel(): { ok: boolean; message?: string } {
    if (!this.running) return { ok: false, message: 'No trace is running.' };
    this.running.abort();
    return { ok: true, message: 'Cancelling the trace…' };
  }

  dispose(): void {
    this.running?.abort();
  }
}

// bundle.json: the whole Bundle (minus images and stdout text, which live in their own files) so readBundle can
// rebuild exactly what the run returned.
import type { Bundle, EngineRun } from '../../shared/types.ts';
import { LAYOUT_VERSION } from './layout.ts';

function stripRun(r: EngineRun): Omit<EngineRun, 'image' | 'stdout' | 'stderr'> {
  const { image: _i, stdout: _o, stderr: _e, ...rest } = r;
  return rest;
}

export function bundleJson(b: Bundle, extra: { reference: string; candidate: string; attributions?: Record<string, unknown> }): string {
  const cases = b.cases.map((c) => ({ ...c, reference: stripRun(c.reference), candidate: stripRun(c.candidate) }));
  const replacer = (_k: string, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : ArrayBuffer.isView(v) ? undefined : v);
  return `${JSON.stringify({ layout: LAYOUT_VERSION, stamp: b.stamp, createdAt: b.createdAt, workspace: b.workspace, whatIf: b.whatIf, reference: extra.reference, candidate: extra.candidate, cases }, replacer, 2)}\n`;
}

// Data out: a case's images and their difference as .npy (numpy.load reads them), its metrics (full frame and
// regions of interest) as CSV. Files go to a folder of the user's choosing, never into the bundle (evidence is
// not edited after the run), and an existing file is never overwritten.
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import type { Metrics } from '../../shared/types.ts';
import { loadCaseImages, readBundle } from '../evidence/reader.ts';
import { computeMetrics } from '../metrics/metrics.ts';
import { computeRoiMetrics, type Roi } from '../metrics/roi.ts';
import { encodeNpy } from '../images/npy.ts';
import { deltaImage } from '../compare/imageDelta.ts';

export type ExportFormat = 'npy' | 'csv';

export const CSV_COLUMNS = [
  'case', 'region', 'x0', 'x1', 'y0', 'y1', 'pixels', 'finite_pixels', 'correlation', 'sum_ratio', 'mse', 'rmse',
  'max_abs_diff', 'max_abs_slow', 'max_abs_fast', 'sum_reference', 'sum_candidate', 'nan_reference', 'nan_candidate', 'peak_distance',
] as const;

const cell = (v: unknown): string => {
  if (v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v))) return '';
  const s = typeof v === 'number' ? String(v) : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export function metricsCsvRow(caseId: string, region: string, box: [number, number, number, number] | null, m: Metrics): string {
  const values = [
    caseId, region, ...(box ?? [null, null, null, null]), m.pixels, m.finitePixels, m.correlation, m.sumRatio, m.mse, m.rmse,
    m.maxAbsDiff, m.maxAbsDiffAt?.[0] ?? null, m.maxAbsDiffAt?.[1] ?? null, m.sumReference, m.sumCandidate, m.nanReference, m.nanCandidate, m.peakDistance,
  ];
  return values.map(cell).join(',');
}

/** Write without ever replacing an existing file ('wx'). */
async function writeNew(file: string, data: Uint8Array | string): Promise<void> {
  const fh = await open(file, 'wx').catch((e: NodeJS.ErrnoException) => {
    throw new Error(e.code === 'EEXIST' ? `${file} already exists; nothing was overwritten (choose another --out folder)` : `cannot create ${file}: ${e.message}`);
  });
  try { await fh.writeFile(data); } finally { await fh.close(); }
}

export async function exportCase(bundleDir: string, caseId: string, format: ExportFormat, outDir: string, rois: Roi[] = []): Promise<string[]> {
  const bundle = await readBundle(bundleDir);
  const c = bundle.cases.find((x) => x.caseId === caseId || x.fileStem === caseId);
  if (!c) throw new Error(`${bundleDir}: no case "${caseId}" (it has ${bundle.cases.map((x) => x.caseId).join(', ') || 'none'})`);
  const img = await loadCaseImages(bundle, c.caseId);
  const shape: [number, number] = [img.spixels, img.fpixels];
  const written: string[] = [];
  const put = async (name: string, data: Uint8Array | string) => { const f = join(outDir, name); await writeNew(f, data); written.push(f); };
  if (format === 'npy') {
    if (!img.reference && !img.candidate) throw new Error(`${c.caseId}: the bundle holds no images for this case`);
    if (img.reference) await put(`${c.fileStem}_reference.npy`, encodeNpy(img.reference, shape));
    if (img.candidate) await put(`${c.fileStem}_candidate.npy`, encodeNpy(img.candidate, shape));
    if (img.reference && img.candidate) await put(`${c.fileStem}_delta.npy`, encodeNpy(deltaImage(img.reference, img.candidate), shape));
    return written;
  }
  const full = c.metrics ?? (img.reference && img.candidate ? computeMetrics(img.reference, img.candidate, img.fpixels) : undefined);
  if (!full) throw new Error(`${c.caseId}: no metrics stored and no image pair to compute them from`);
  const lines = [CSV_COLUMNS.join(','), metricsCsvRow(c.caseId, 'full', null, full)];
  for (const r of rois) {
    if (!img.reference || !img.candidate) throw new Error(`${c.caseId}: ROI metrics need both images`);
    const m = computeRoiMetrics(img.reference, img.candidate, img.fpixels, r).metrics;
    lines.push(metricsCsvRow(c.caseId, 'roi', [r.x0, r.x1, r.y0, r.y1], m));
  }
  await put(`${c.fileStem}_metrics.csv`, `${lines.join('\n')}\n`);
  return written;
}

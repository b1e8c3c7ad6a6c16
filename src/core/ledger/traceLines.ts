// The attempt's `First Divergence:` lines: one per pixel trace filed in the bundle (trace_diff_*.json), worded by
// the trace core, citing the diff file by its workspace-relative path. Results that simply agree add no line.
import { readTraceRecords } from '../evidence/traceFiles.ts';
import { firstDivergenceLine } from '../trace/text.ts';

/** `bundlePath` is the bundle folder as the attempt cites it (workspace-relative, trailing slash). */
export async function firstDivergenceLines(dir: string, bundlePath: string): Promise<string[]> {
  // A pixel traced again (diff-2.json…) speaks for that pixel: the newest trace of each case and pixel only.
  const byPixel = new Map<string, string | undefined>();
  for (const { diffFile, diff } of await readTraceRecords(dir)) {
    const key = `${diff.case}@${diff.pixel?.slow},${diff.pixel?.fast}`;
    byPixel.delete(key);
    byPixel.set(key, safeLine(() => firstDivergenceLine(diff, `${bundlePath}${diffFile}`)));
  }
  return [...byPixel.values()].filter((l): l is string => !!l);
}

/** A diff file from another version may lack a field the wording needs: no line rather than a failed record. */
function safeLine(fn: () => string | undefined): string | undefined {
  try { return fn(); } catch { return undefined; }
}

// A case's history: every bundle of the workspace that ran it, newest first, with the numbers the history view
// shows and the workspace git commit env.json recorded when the bundle was made (never today's commit).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { HistoryRow } from '../../shared/compareMessages.ts';
import type { RunSettings } from '../settings.ts';
import { bundleFiles, listBundles, readBundle } from '../evidence/index.ts';
import { stampToDate } from '../evidence/stamp.ts';
import { engineWithPreset } from '../evidence/texts.ts';
import { WHAT_IF_SUFFIX } from '../cases/whatIf.ts';

const num = (v: number | null | undefined): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** env.json's workspace_git.commit (12 characters), if the bundle has one. */
async function recordedCommit(dir: string): Promise<string | undefined> {
  try {
    const env = JSON.parse(await readFile(join(dir, bundleFiles.env), 'utf8')) as { workspace_git?: { commit?: unknown } | null };
    const c = env.workspace_git?.commit;
    return typeof c === 'string' && c ? c.slice(0, 12) : undefined;
  } catch { return undefined; }
}

/**
 * Rows for `caseId` (and its what-if runs, marked) across all initiatives and phases of the workspace.
 * Unreadable bundles are skipped: the history is a view, and one broken folder must not hide the rest.
 */
export async function caseHistory(workspace: string, caseId: string, settings: Partial<RunSettings> = {}): Promise<HistoryRow[]> {
  const rows: HistoryRow[] = [];
  for (const { dir, stamp } of await listBundles(workspace, { reportsRoot: settings.reportsRoot })) {
    const b = await readBundle(dir).catch(() => undefined);
    const c = b?.cases.find((x) => x.caseId === caseId || x.caseId === `${caseId}${WHAT_IF_SUFFIX}`);
    if (!b || !c) continue;
    rows.push({
      bundleDir: dir,
      stamp,
      time: stampToDate(stamp)?.toISOString() ?? b.createdAt,
      verdict: c.verdict?.status ?? 'unknown',
      correlation: num(c.metrics?.correlation),
      sumRatio: num(c.metrics?.sumRatio),
      maxAbsDiff: num(c.metrics?.maxAbsDiff),
      engines: `${engineWithPreset(c.candidate.engine, c.candidate)} vs ${engineWithPreset(c.reference.engine, c.reference)}`,
      candidateEngine: c.candidate.engine,
      referenceEngine: c.reference.engine,
      gitCommit: await recordedCommit(dir),
      ...(b.whatIf || c.caseId !== caseId ? { whatIf: true } : {}),
    });
  }
  return rows.sort((a, b) => (a.stamp < b.stamp ? 1 : a.stamp > b.stamp ? -1 : 0));
}

// `nb-parity run --jsonl`: one JSON object per line on stdout, a "run" line as soon as each run is judged and filed,
// then one "summary" line after the bundle is complete. Schema in docs/cli.md ("Matrix runs, JUnit, JSON lines").
import type { Bundle, CaseResult, EngineRun, MatrixRow } from '../../shared/types.ts';
import { metricsFields } from '../evidence/texts.ts';
import { bundleFiles } from '../evidence/layout.ts';
import { matrixCounts, splitCaseId } from './matrix.ts';
import { join } from 'node:path';
import { reusedFrom } from '../../shared/reusedRun.ts';

export const JSONL_SCHEMA = 'nb-parity/jsonl';
export const JSONL_VERSION = 1;

function side(r: EngineRun) {
  return { engine: r.engine, exit_code: r.exitCode ?? null, signal: r.signal ?? null, wall_ms: Math.round(r.wallMs ?? 0), sim_ms: r.simMs ?? null, error: r.error ?? null, cancelled: !!r.cancelled, timed_out: !!r.timedOut, reused_from: reusedFrom(r)?.from ?? null };
}

export function runLine(c: CaseResult, info: { index: number; total: number; done: number; bundleDir: string }): string {
  const { group, run } = splitCaseId(c.caseId);
  return JSON.stringify({
    type: 'run', schema: JSONL_SCHEMA, version: JSONL_VERSION,
    case_id: c.caseId, case: group, run: run || null, index: info.index, done: info.done, total: info.total,
    verdict: c.verdict.status, reason: c.verdict.reason,
    failed: c.verdict.failed.map((f) => ({ metric: f.metric, value: Number.isFinite(f.value) ? f.value : null, limit: f.limit, by: f.by })),
    metrics: metricsFields(c.metrics),
    reference: side(c.reference), candidate: side(c.candidate),
    bundle: info.bundleDir,
  });
}

export function summaryLine(b: Bundle, info: { exitCode: number; cancelled: boolean; junit?: string }): string {
  const rows: MatrixRow[] = b.matrix ?? [];
  const n = matrixCounts(rows);
  const status = { pass: 0, fail: 0, error: 0 };
  for (const c of b.cases) status[c.verdict.status]++;
  return JSON.stringify({
    type: 'summary', schema: JSONL_SCHEMA, version: JSONL_VERSION,
    bundle: b.dir, stamp: b.stamp, total: b.cases.length, ...status,
    exit_code: info.exitCode, cancelled: info.cancelled, wall_ms: b.wallMs !== undefined ? Math.round(b.wallMs) : null,
    matrix: b.matrix ? join(b.dir, bundleFiles.matrix) : null, junit: info.junit ?? null,
    changes: { newly_failing: n['newly failing'], newly_passing: n['newly passing'], better: n.better, worse: n.worse, unchanged: n.unchanged, first_run: n['first run'], cancelled: n.cancelled },
    newly_failing: rows.filter((r) => r.change === 'newly failing').map((r) => r.caseId),
    newly_passing: rows.filter((r) => r.change === 'newly passing').map((r) => r.caseId),
  });
}

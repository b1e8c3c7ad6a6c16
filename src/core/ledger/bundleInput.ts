// Bundle → AttemptInput. Two roads: our Bundle type (from readBundle, when the evidence module provides it), and a
// tolerant reader of a bundle folder's metrics.json for older layouts (seed style `{"tc_d1": {"correlation",
// "sum_ratio"}}`, camelCase or snake_case, keyed or listed cases).
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { readBundle } from '../evidence/index.ts';
import type { Bundle, ConfigMismatch } from '../../shared/types.ts';
import type { AttemptCase, AttemptInput, AttemptVerdict } from './compose.ts';
import { LedgerError } from './edits.ts';
import { verifyBundle, type VerifyOptions } from './verifyBundle.ts';
import { firstDivergenceLines } from './traceLines.ts';
import { reusedFrom } from '../../shared/reusedRun.ts';

const STAMP = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
/** The seed's thresholds, used only to judge a legacy bundle that recorded no verdict. */
const SEED = { corrMin: 0.999, sumRatioTol: 1e-3 };
const CITED_FILES = ['metrics.json', 'summary.md', 'commands.txt', 'attribution.json'];

export function dateFromStamp(stamp: string): string | undefined {
  const m = STAMP.exec(stamp);
  return m ? `${m[1]}-${m[2]}-${m[3]}` : undefined;
}

/** Bundle folder relative to the ledger's workspace, with forward slashes and a trailing slash. */
export function relativeBundlePath(dir: string, workspaceRoot: string): string {
  const rel = path.relative(workspaceRoot, dir);
  const p = rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : dir;
  return p.split(path.sep).join('/').replace(/\/?$/, '/');
}

/** The workspace a ledger belongs to: the parent of its `docs/` folder, else its own folder. */
export function workspaceOfLedger(ledgerPath: string): string {
  const dir = path.dirname(path.resolve(ledgerPath));
  return path.basename(dir) === 'docs' ? path.dirname(dir) : dir;
}

export function overallVerdict(cases: { status: AttemptVerdict | 'unknown' }[]): AttemptVerdict {
  if (cases.length === 0 || cases.some((c) => c.status === 'error' || c.status === 'unknown')) return 'error';
  return cases.some((c) => c.status === 'fail') ? 'fail' : 'pass';
}

export function mismatchWords(m: Pick<ConfigMismatch, 'field' | 'reference' | 'candidate'>): string {
  return `${m.field} ${m.reference} vs ${m.candidate}`;
}

function dedupe(list: string[], max = 3): string[] {
  const u = [...new Set(list)];
  return u.length > max ? [...u.slice(0, max), `+${u.length - max} more`] : u;
}

export function attemptInputFromBundle(bundle: Bundle, workspaceRoot: string, note?: string): AttemptInput {
  const cases: AttemptCase[] = bundle.cases.map((c) => ({
    caseId: c.caseId,
    status: c.verdict.status,
    correlation: c.metrics?.correlation ?? null,
    sumRatio: c.metrics?.sumRatio ?? null,
    rmse: c.metrics?.rmse ?? null,
    maxAbsDiff: c.metrics?.maxAbsDiff ?? null,
    reason: c.verdict.reason,
  }));
  const first = bundle.cases[0];
  // A legacy bundle's verdict was judged on reading; say on what basis.
  const judged = bundle.layout === 'legacy' ? bundle.cases.map((c) => /judged now with (.*)$/.exec(c.verdict.reason)?.[0]).find(Boolean) : undefined;
  return {
    date: dateFromStamp(bundle.stamp) ?? bundle.createdAt.slice(0, 10),
    stamp: bundle.stamp,
    bundlePath: relativeBundlePath(bundle.dir, workspaceRoot),
    verdict: overallVerdict(cases),
    engines: first ? `${first.candidate.engine} vs ${first.reference.engine}` : undefined,
    cases,
    mismatches: dedupe(bundle.cases.flatMap((c) => c.mismatches.filter((m) => m.severity !== 'info').map(mismatchWords))),
    forks: [],
    note,
    verdictSource: judged ? `older bundle layout, ${judged}` : undefined,
  };
}

/** Adds what only the folder knows: which key files exist (to cite them) and the attribution's chosen forks. */
export async function enrichFromDir(input: AttemptInput, dir: string): Promise<AttemptInput> {
  const files: string[] = [];
  for (const f of CITED_FILES) if (await stat(path.join(dir, f)).then((s) => s.isFile(), () => false)) files.push(f);
  const firstDivergence = await firstDivergenceLines(dir, input.bundlePath);
  return { ...input, files, forks: input.forks.length ? input.forks : await readForks(dir), ...(firstDivergence.length ? { firstDivergence } : {}) };
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function pickNum(o: Json, ...keys: string[]): number | null {
  for (const k of keys) {
    const v = o[k];
    if (typeof v === 'number') return v;
    if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
    if (isObj(v) && typeof v.value === 'number') return v.value;
  }
  const nested = o.metrics;
  return isObj(nested) ? pickNum(nested, ...keys) : null;
}

function caseFromJson(id: string, o: Json): AttemptCase {
  const correlation = pickNum(o, 'correlation', 'corr', 'pearson');
  const sumRatio = pickNum(o, 'sumRatio', 'sum_ratio', 'ratio');
  const v = o.verdict;
  let status: AttemptCase['status'] = 'unknown';
  let reason: string | undefined;
  if (isObj(v) && typeof v.status === 'string') { status = normStatus(v.status); reason = typeof v.reason === 'string' ? v.reason : undefined; }
  else if (typeof v === 'string') status = normStatus(v);
  else if (typeof o.status === 'string') status = normStatus(o.status);
  else if (typeof o.passed === 'boolean') status = o.passed ? 'pass' : 'fail';
  return { caseId: String(o.caseId ?? o.case_id ?? o.id ?? id), status, correlation, sumRatio, rmse: pickNum(o, 'rmse'), maxAbsDiff: pickNum(o, 'maxAbsDiff', 'max_abs_diff', 'maxAbs', 'max_abs'), reason };
}

function normStatus(s: string): AttemptCase['status'] {
  const t = s.toLowerCase();
  if (/^(pass|passed|ok|success)/.test(t)) return 'pass';
  if (/^(fail|failed)/.test(t)) return 'fail';
  if (/^(error|errored|crash)/.test(t)) return 'error';
  return 'unknown';
}

/** Reads a bundle folder directly (any layout we know). Throws LedgerError naming the file on bad input. */
export async function readAttemptInputFromDir(dir: string, workspaceRoot: string, note?: string): Promise<AttemptInput> {
  const abs = path.resolve(dir);
  const st = await stat(abs).catch(() => undefined);
  if (!st?.isDirectory()) throw new LedgerError('bundle', `--bundle ${dir}: no such folder; pass an evidence bundle folder such as reports/<initiative>/<phase>/<STAMP>/.`);
  const metricsPath = path.join(abs, 'metrics.json');
  let raw: string;
  try { raw = await readFile(metricsPath, 'utf8'); }
  catch { throw new LedgerError('bundle', `${metricsPath}: missing; a bundle without metrics cannot be recorded ("no artifacts → no closure"). Rerun the parity case.`); }
  let json: unknown;
  try { json = JSON.parse(raw); }
  catch (e) { throw new LedgerError('bundle', `${metricsPath}: not valid JSON (${(e as Error).message}); fix or rerun the bundle.`); }
  if (!isObj(json)) throw new LedgerError('bundle', `${metricsPath}: expected a JSON object of per-case metrics.`);

  const rawCases: Json[] = [];
  const container = json.cases ?? json.results ?? json;
  if (Array.isArray(container)) container.forEach((c, k) => { if (isObj(c)) rawCases.push({ id: `case${k + 1}`, ...c }); });
  else if (isObj(container)) {
    for (const [k, v] of Object.entries(container)) if (isObj(v) && (pickNum(v, 'correlation', 'corr') !== null || 'verdict' in v || 'metrics' in v)) rawCases.push({ id: k, ...v });
  }
  if (rawCases.length === 0) throw new LedgerError('bundle', `${metricsPath}: no per-case metrics found (expected e.g. {"tc_d1": {"correlation": …, "sum_ratio": …}} or {"cases": [...]}).`);
  const cases = rawCases.map((c) => caseFromJson(String(c.id), c));
  let verdictSource: string | undefined;
  for (const c of cases) {
    if (c.status !== 'unknown') continue;
    if (c.correlation === null || c.sumRatio === null) { c.status = 'error'; continue; }
    c.status = c.correlation >= SEED.corrMin && Math.abs(c.sumRatio - 1) <= SEED.sumRatioTol ? 'pass' : 'fail';
    verdictSource = "judged with the seed's corr ≥ 0.999, |sum_ratio−1| ≤ 1e-3: the bundle records no verdict";
  }
  const base = path.basename(abs);
  const stamp = STAMP.test(base) ? base : typeof json.stamp === 'string' ? json.stamp : base;
  const mismatches: string[] = [];
  for (const c of rawCases) {
    const ms = c.mismatches;
    if (Array.isArray(ms)) for (const m of ms) {
      if (isObj(m) && typeof m.field === 'string' && m.severity !== 'info') mismatches.push(mismatchWords({ field: m.field, reference: String(m.reference ?? '?'), candidate: String(m.candidate ?? '?') }));
      else if (typeof m === 'string') mismatches.push(m);
    }
  }
  const createdAt = typeof json.createdAt === 'string' ? json.createdAt : st.mtime.toISOString();
  return enrichFromDir({
    date: dateFromStamp(stamp) ?? createdAt.slice(0, 10),
    stamp,
    bundlePath: relativeBundlePath(abs, workspaceRoot),
    verdict: overallVerdict(cases),
    engines: typeof json.candidate === 'string' && typeof json.reference === 'string' ? `${json.candidate} vs ${json.reference}` : undefined,
    cases,
    mismatches: dedupe(mismatches),
    forks: [],
    note,
    verdictSource,
  }, abs);
}

/** Top forks from attribution.json, whatever its exact shape: objects with `forks` (or `chosen`) maps. */
async function readForks(dir: string): Promise<string[]> {
  let json: unknown;
  try { json = JSON.parse(await readFile(path.join(dir, 'attribution.json'), 'utf8')); } catch { return []; }
  const out: string[] = [];
  const visit = (v: unknown, depth: number) => {
    if (depth > 4 || !v || typeof v !== 'object') return;
    if (Array.isArray(v)) { v.forEach((x) => visit(x, depth + 1)); return; }
    const o = v as Json;
    for (const key of ['chosen', 'chosenForks', 'forks']) {
      const f = o[key];
      if (isObj(f)) for (const [k, val] of Object.entries(f)) if (typeof val === 'string') out.push(`${k}=${val}`);
    }
    for (const val of Object.values(o)) if (val && typeof val === 'object') visit(val, depth + 1);
  };
  visit(json, 0);
  return dedupe(out, 4);
}

/** "torch vs c", with the embedded engine's preset when it ran: the engines that really ran, from bundle.json. */
function enginesOf(bundle: Bundle): string | undefined {
  if (bundle.layout === 'legacy') return 'engines not recorded (older bundle layout)';
  const first = bundle.cases[0];
  if (!first) return undefined;
  const name = (r: Bundle['cases'][number]['reference']) => (r.engine === 'embedded' && r.info?.preset ? `embedded (preset ${String(r.info.preset)})` : r.engine);
  // A C side copied from an identical earlier run did not run: the entry says so (docs/c-reuse.md).
  const reused = bundle.cases.filter((c) => reusedFrom(c.reference) || reusedFrom(c.candidate)).map((c) => c.caseId);
  const note = reused.length ? ` (C reused from identical earlier runs, not run, for ${reused.length === bundle.cases.length ? 'every case' : reused.join(', ')})` : '';
  return `${name(first.candidate)} vs ${name(first.reference)}${note}`;
}

/**
 * A bundle folder → AttemptInput: the evidence module's readBundle (our layout exactly, older layouts tolerantly),
 * then verifyBundle (completion marker, hashes, files agree, verdict re-judged). An older bundle's image pair with
 * no metrics is not a case (its name would be invented from the file name); when no case is left, the ledger's own
 * metrics.json reader gives the specific error.
 */
export async function attemptInputFromFolder(dir: string, workspaceRoot: string, note?: string, opts: VerifyOptions = {}): Promise<AttemptInput> {
  const abs = path.resolve(dir);
  let read: Bundle;
  try { read = await readBundle(abs); }
  catch (e) { throw new LedgerError('bundle', `--bundle ${dir}: ${(e as Error).message}`); }
  const { bundle, caveat } = await verifyBundle({ ...read, dir: abs }, opts);
  const cases = bundle.layout === 'legacy' ? bundle.cases.filter((c) => c.metrics || !/records no metrics/.test(c.verdict.reason)) : bundle.cases;
  if (cases.length === 0) return readAttemptInputFromDir(abs, workspaceRoot, note);
  const input = attemptInputFromBundle({ ...bundle, cases }, workspaceRoot, note);
  input.engines = enginesOf(bundle);
  if (caveat) input.verdictSource = input.verdictSource ? `${input.verdictSource}; ${caveat}` : caveat;
  return enrichFromDir(input, abs);
}

// The Test Explorer tree and the case quick pick, as plain data: a yaml case with runs is a node holding its runs
// (`AT-PARALLEL-001` → `AT-PARALLEL-001/detpixels-64`, …), built-ins and cases.json apart; tooltips carry the
// description, thresholds and last metrics. Pure (no vscode import) so the grouping is unit-tested.
import type { Case, CaseResult, Thresholds, VerdictStatus } from '../shared/types.ts';
import { fmt6, fmtNum } from './resultText.ts';

export interface CaseNode {
  /** Group id (`group:<name>`) or the case id. */
  id: string;
  label: string;
  /** Case ids this node runs: itself, or every run below it. */
  caseIds: string[];
  children: CaseNode[];
  /** The case itself (leaves only). */
  caseDef?: Case;
  description: string;
}

export const BUILTIN_GROUP = 'group:builtin';
export const JSON_GROUP = 'group:cases.json';

/** The yaml case a run belongs to: the id before its first "/". */
export function parentIdOf(c: Pick<Case, 'id' | 'source'>): string | undefined {
  if (c.source !== 'yaml') return undefined;
  const i = c.id.indexOf('/');
  return i > 0 ? c.id.slice(0, i) : undefined;
}

/** Roots in file order: yaml cases (a case with runs becomes a parent), then cases.json, then the built-ins. */
export function buildCaseTree(cases: readonly Case[]): CaseNode[] {
  const roots: CaseNode[] = [];
  const parents = new Map<string, CaseNode>();
  const leaf = (c: Case): CaseNode => ({ id: c.id, label: parentIdOf(c) ? c.id.slice(parentIdOf(c)!.length + 1) : c.id, caseIds: [c.id], children: [], caseDef: c, description: '' });
  const groups: Record<string, CaseNode> = {};
  const group = (id: string, label: string, description: string) => (groups[id] ??= { id, label, caseIds: [], children: [], description });
  for (const c of cases) {
    const parentId = parentIdOf(c);
    if (parentId) {
      let p = parents.get(parentId);
      if (!p) { p = { id: `group:yaml:${parentId}`, label: parentId, caseIds: [], children: [], description: '' }; parents.set(parentId, p); roots.push(p); }
      p.children.push(leaf(c));
      p.caseIds.push(c.id);
    } else if (c.source === 'yaml') roots.push({ ...leaf(c), description: 'parity_cases.yaml' });
    else if (c.source === 'builtin') { const g = group(BUILTIN_GROUP, 'Built-in seed cases', 'TC-D1/TC-D3'); g.children.push(leaf(c)); g.caseIds.push(c.id); }
    else { const g = group(JSON_GROUP, '.nb-parity/cases.json', 'your cases'); g.children.push(leaf(c)); g.caseIds.push(c.id); }
  }
  for (const p of parents.values()) p.description = `${p.children.length} run${p.children.length === 1 ? '' : 's'}`;
  for (const id of [JSON_GROUP, BUILTIN_GROUP]) if (groups[id]) roots.push(groups[id]);
  return roots;
}

/** "corr ≥ 0.9995 · |sum ratio − 1| ≤ 0.001 · max |Δ| ≤ 5" (only the bounds the case has). */
export function thresholdsText(t: Thresholds): string {
  const parts: string[] = [];
  if (t.corrMin !== undefined) parts.push(`corr ≥ ${fmtNum(t.corrMin)}`);
  if (t.sumRatioTol !== undefined) parts.push(`|sum ratio − 1| ≤ ${fmtNum(t.sumRatioTol)}`);
  if (t.sumRatioMin !== undefined || t.sumRatioMax !== undefined) parts.push(`sum ratio in [${fmtNum(t.sumRatioMin)}, ${fmtNum(t.sumRatioMax)}]`);
  if (t.maxAbsMax !== undefined) parts.push(`max |Δ| ≤ ${fmtNum(t.maxAbsMax)}`);
  if (t.rmseMax !== undefined) parts.push(`RMSE ≤ ${fmtNum(t.rmseMax)}`);
  return parts.join(' · ') || 'no thresholds';
}

export interface LastResult { result: CaseResult; stamp: string }

/**
 * The row text of a case in the Test Explorer: thresholds, the last verdict with its numbers, the case's description
 * (clipped). VS Code gives test items no tooltip of their own: its hover repeats this text, so it carries the facts.
 */
export function caseDescription(c: Case, last?: LastResult, maxProse = 80): string {
  const parts = [thresholdsText(c.thresholds)];
  if (!last) parts.push('not run yet');
  else {
    const m = last.result.metrics;
    parts.push(`last ${last.stamp}: ${last.result.verdict.status.toUpperCase()}${m ? ` corr ${fmt6(m.correlation)}, sum ratio ${fmt6(m.sumRatio)}` : ''}`);
  }
  const prose = c.description?.trim().replace(/\s+/g, ' ');
  if (prose) parts.push(prose.length > maxProse ? `${prose.slice(0, maxProse - 1)}…` : prose);
  return parts.join(' · ');
}

export interface PickRow {
  kind: 'separator' | 'failed' | 'all' | 'case';
  label: string;
  description?: string;
  detail?: string;
  caseIds: string[];
}

export const MULTI_PICK_HINT = 'Tick the cases to run (the box at the top ticks every shown row), then press Enter';

/** Quick-pick rows: "failed last time" first, then per group a separator, "all runs of …" and each run. */
export function casePickRows(cases: readonly Case[], last: ReadonlyMap<string, { status: VerdictStatus; line: string }>): PickRow[] {
  const rows: PickRow[] = [];
  const failed = cases.filter((c) => { const s = last.get(c.id)?.status; return s === 'fail' || s === 'error'; });
  if (failed.length) rows.push({ kind: 'failed', label: `$(error) Failed last time (${failed.length})`, description: failed.map((c) => c.id).slice(0, 4).join(', ') + (failed.length > 4 ? ', …' : ''), caseIds: failed.map((c) => c.id) });
  const icon = { pass: '$(pass) ', fail: '$(error) ', error: '$(warning) ' } as const;
  const caseRow = (c: Case): PickRow => {
    const l = last.get(c.id);
    const where = c.location ? `${c.source}:${c.location.line + 1}` : c.source;
    return { kind: 'case', label: `${l ? icon[l.status] : ''}${c.id}`, description: where, detail: l ? `last: ${l.line}` : 'not run yet', caseIds: [c.id] };
  };
  for (const node of buildCaseTree(cases)) {
    if (!node.children.length) { rows.push(caseRow(node.caseDef!)); continue; }
    rows.push({ kind: 'separator', label: node.label, caseIds: [] });
    if (node.children.length > 1) rows.push({ kind: 'all', label: `$(list-tree) All runs of ${node.label} (${node.children.length})`, caseIds: node.caseIds });
    for (const ch of node.children) rows.push(caseRow(ch.caseDef!));
  }
  return rows;
}

/** The cases a multi-pick selects, each once, in definition order. */
export function pickedCases(cases: readonly Case[], picked: readonly Pick<PickRow, 'caseIds'>[]): Case[] {
  const ids = new Set(picked.flatMap((p) => p.caseIds));
  return cases.filter((c) => ids.has(c.id));
}

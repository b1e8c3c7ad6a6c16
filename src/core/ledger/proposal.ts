// What the VS Code flow needs beyond planRecord, kept pure so it is tested without VS Code: the quick-pick model
// of items, the plan a section points to, the phase a bundle belongs to, the plan rows still open, and one
// proposal (ledger edit + optional plan flip) that can be re-validated against a text that changed since preview.
import type { AttemptInput } from './compose.ts';
import { LedgerError } from './edits.ts';
import { DEFAULT_ITEM, listItems, type ItemSummary } from './items.ts';
import { splitLines } from './lines.ts';
import { parseLedger, tableCells, type LedgerDoc } from './parse.ts';
import { flipPlanRows, type FlipPlan } from './plan.ts';
import { planRecord, type RecordPlan } from './record.ts';

export interface ItemChoice {
  item: ItemSummary;
  label: string;
  description: string;
  detail: string;
  picked: boolean;
}

/** Quick-pick rows: live items first (preferred one on top), then archived and Index-only ones, each saying so. */
export function itemChoices(doc: LedgerDoc, preferred?: string): ItemChoice[] {
  const items = listItems(doc);
  const want = preferred || DEFAULT_ITEM;
  // The preferred item archived with a live successor: preselect the successor.
  const archived = items.find((i) => i.id === want && i.state === 'archived');
  const target = archived?.successor && items.some((i) => i.id === archived.successor && i.state === 'live') ? archived.successor : want;
  const rank = (i: ItemSummary) => (i.id === target ? 0 : i.state === 'live' ? 1 : i.state === 'archived' ? 2 : 3);
  return [...items].sort((a, b) => rank(a) - rank(b)).map((i) => ({
    item: i,
    label: `[${i.id}]`,
    description: i.state === 'live' ? `${i.status ?? 'no status'} · next Attempt #${i.nextAttempt}` : i.state === 'archived' ? 'archived one-liner' : 'Index only, no section',
    detail: i.state === 'archived'
      ? `${i.title}${i.successor ? ` — successor [${i.successor}]` : ''}`
      : i.state === 'index-only' ? `${i.title} — has no "## [${i.id}]" section to hold attempts` : `${i.title} (line ${i.line})`,
    picked: i.id === target,
  }));
}

/** The plan file a section names in its `- Plan Reference:` field (first backticked or bare *.md path). */
export function planReferenceOf(text: string, itemId: string): string | undefined {
  const doc = parseLedger(text);
  const s = doc.sections.find((x) => x.id === itemId);
  const f = s?.fields.find((x) => /^plan\b/i.test(x.label));
  if (!s || !f) return undefined;
  const value = doc.lines[f.line]!.text.slice(f.valueFrom);
  return /`([^`]+\.md)`/.exec(value)?.[1] ?? /([\w./-]+\.md)\b/.exec(value)?.[1];
}

/** `reports/<initiative>/phase_e/<STAMP>/` → "E"; else the phase setting ("phase_e" → "E"). */
export function phaseOf(bundlePath: string, fallback?: string): string | undefined {
  const m = /(?:^|\/)phase_([A-Za-z0-9]+)\//.exec(bundlePath) ?? (fallback ? /^(?:phase_)?([A-Za-z0-9]+)$/.exec(fallback) : null);
  return m?.[1]?.toUpperCase();
}

export interface PlanRow { id: string; state: string; task: string; line: number }

/** Rows of `### Phase X` with their State, for the row picker (done rows included, marked by state). */
export function phaseRows(planText: string, phase: string): PlanRow[] | undefined {
  const lines = splitLines(planText);
  const re = new RegExp(`^ {0,3}###[ \\t]+Phase[ \\t]+${phase}(?![A-Za-z0-9])`, 'i');
  const start = lines.findIndex((l) => re.test(l.text));
  if (start < 0) return undefined;
  const rows: PlanRow[] = [];
  for (let i = start + 1; i < lines.length; i++) {
    const t = lines[i]!.text;
    if (/^ {0,3}#{1,3}[ \t]/.test(t)) break;
    const cells = tableCells(t).map((c) => t.slice(c.from, c.to).trim());
    if (cells.length < 2 || /^id$/i.test(cells[0]!) || cells.every((c) => /^:?-{2,}:?$/.test(c))) continue;
    const state = cells.find((c, j) => j > 0 && /^\[(?: |[A-Za-z]|-|SKIP)\]$/i.test(c)) ?? '';
    rows.push({ id: cells[0]!, state, task: cells[1] ?? '', line: i });
  }
  return rows;
}

export interface ProposalRequest {
  itemId: string;
  input: AttemptInput;
  status?: string;
  maxLines?: number;
  ledgerName?: string;
  flip?: { planText: string; planName: string; phase: string; rows: string[] };
}

export interface Proposal {
  request: ProposalRequest;
  ledgerText: string;
  record: RecordPlan;
  flip?: FlipPlan;
}

/** One proposal: the attempt edit and, only for a passing bundle, the plan-row flip. */
export function propose(ledgerText: string, req: ProposalRequest): Proposal {
  const record = planRecord(ledgerText, req);
  let flip: FlipPlan | undefined;
  if (req.flip) {
    if (req.input.verdict !== 'pass') throw new LedgerError('verdict', `Not flipping ${req.flip.rows.join(', ')} to [D]: the bundle's verdict is ${req.input.verdict}, not pass.`);
    flip = flipPlanRows(req.flip.planText, { phase: req.flip.phase, rows: req.flip.rows, attemptNumber: record.attemptNumber, stamp: req.input.stamp, planName: req.flip.planName });
  }
  return { request: req, ledgerText, record, flip };
}

export type Revalidation =
  | { kind: 'unchanged'; proposal: Proposal }
  | { kind: 'recomputed'; proposal: Proposal; note: string }
  | { kind: 'renumbered'; proposal: Proposal; note: string };

/**
 * The ledger (or the plan) changed between preview and apply: recompute against the current texts. Same number and
 * same entry → safe to apply the recomputed edit; a different number → the user must see a new preview.
 */
export function revalidate(prev: Proposal, ledgerNow: string, planNow?: string): Revalidation {
  const planSame = !prev.request.flip || planNow === undefined || planNow === prev.request.flip.planText;
  if (ledgerNow === prev.ledgerText && planSame) return { kind: 'unchanged', proposal: prev };
  const req = prev.request.flip && planNow !== undefined ? { ...prev.request, flip: { ...prev.request.flip, planText: planNow } } : prev.request;
  const next = propose(ledgerNow, req);
  if (next.record.attemptNumber !== prev.record.attemptNumber) {
    return { kind: 'renumbered', proposal: next, note: `The ledger changed since the preview: this is now Attempt #${next.record.attemptNumber}, not #${prev.record.attemptNumber}.` };
  }
  return { kind: 'recomputed', proposal: next, note: 'The file changed since the preview; the edit was recomputed against its current text (same attempt number).' };
}

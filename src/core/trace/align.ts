// Put the two traces side by side: each side's entries under canonical (C) names through the alias table,
// rows in the reference's computation order with candidate-only names slotted after their predecessor,
// then grouped: geometry, pixel, per-φ (by tic), per-source (by index).
import { ALIASES } from './names.ts';
import type { ParsedTrace, TraceEntry, TraceGroup } from './types.ts';

export interface AlignedPair {
  key: string;
  group: TraceGroup;
  index?: number;
  reference?: TraceEntry;
  candidate?: TraceEntry;
  /** The other dialect's name when an alias joined the pair (`F_cell_nearest`). */
  alias?: string;
}

/** Canonical key of an entry before aliasing: pixel names as printed, sources `source[i].name`. */
function aliasTable(entry: TraceEntry): string {
  return entry.group === 'source' ? `source.${entry.name}` : entry.name;
}

function keyFor(group: TraceGroup, name: string, index: number | undefined): string {
  if (group === 'source') return `source[${index}].${name}`;
  if (group === 'phi') return `phi[${index}].${name}`;
  return group === 'geometry' ? `geometry:${name}` : name;
}

/** Which alias entry of `side` stands for canonical `canon` (prefers the one matching the other side's value). */
function pickAlias(side: ParsedTrace, other: ParsedTrace, canon: string, group: TraceGroup, index?: number): TraceEntry | undefined {
  const name = canon.replace(/^source\./, '');
  const options = (ALIASES[canon] ?? [])
    .map((a) => side.byKey.get(keyFor(group, a, index)))
    .filter((e): e is TraceEntry => !!e);
  if (options.length <= 1) return options[0];
  // C prints F_cell nearest or interpolated depending on -interpolate; take the one that matches.
  const target = other.byKey.get(keyFor(group, name, index))?.values[0]?.raw;
  return options.find((e) => e.values[0]?.raw === target) ?? options[0];
}

/** A side's entries keyed canonically; alias entries used for a canonical name are consumed. */
function canonical(side: ParsedTrace, other: ParsedTrace): Map<string, { entry: TraceEntry; alias?: string }> {
  const out = new Map<string, { entry: TraceEntry; alias?: string }>();
  const consumed = new Set<string>();
  // Canonical names the *other* side prints, which this side may spell differently.
  for (const e of other.entries) {
    const canon = aliasTable(e);
    if (!ALIASES[canon] || side.byKey.has(e.key)) continue;
    const picked = pickAlias(side, other, canon, e.group, e.index);
    if (picked) {
      out.set(e.key, { entry: picked, alias: picked.name });
      consumed.add(picked.key);
    }
  }
  for (const e of side.entries) if (!consumed.has(e.key) && !out.has(e.key)) out.set(e.key, { entry: e });
  return out;
}

const GROUP_RANK: Record<TraceGroup, number> = { geometry: 0, pixel: 1, phi: 2, source: 3 };

/** Align two parsed traces into rows (reference order first). */
export function alignTraces(reference: ParsedTrace, candidate: ParsedTrace): AlignedPair[] {
  const ref = canonical(reference, candidate);
  const cand = canonical(candidate, reference);
  const order: string[] = [...ref.keys()];
  const position = new Map(order.map((k, i) => [k, i]));
  let previous = -1;
  const inserts: Array<{ after: number; key: string; seq: number }> = [];
  let seq = 0;
  for (const key of cand.keys()) {
    const at = position.get(key);
    if (at !== undefined) previous = at;
    else inserts.push({ after: previous, key, seq: seq++ });
  }
  // Slot each candidate-only key right after its nearest shared predecessor (ties keep candidate order).
  const slotted: Array<{ key: string; rank: number }> = order.map((key, i) => ({ key, rank: i }));
  for (const ins of inserts) slotted.push({ key: ins.key, rank: ins.after + 0.5 + ins.seq * 1e-6 });
  slotted.sort((a, b) => a.rank - b.rank);
  const pairs = slotted.map(({ key }): AlignedPair => {
    const r = ref.get(key);
    const c = cand.get(key);
    const base = (r ?? c)!.entry;
    const pair: AlignedPair = { key, group: base.group };
    if (base.index !== undefined) pair.index = base.index;
    if (r) pair.reference = r.entry;
    if (c) pair.candidate = c.entry;
    const alias = r?.alias ?? c?.alias;
    if (alias) pair.alias = alias;
    return pair;
  });
  return pairs
    .map((p, i) => ({ p, i }))
    .sort((a, b) => GROUP_RANK[a.p.group] - GROUP_RANK[b.p.group] || (a.p.index ?? 0) - (b.p.index ?? 0) || a.i - b.i)
    .map(({ p }) => p);
}

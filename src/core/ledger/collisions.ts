// Attempt numbers an item already used anywhere in the ledger, not only in its live section: an entry moved under
// "Completed", a one-liner in the archive or a heading like "### [ID] Attempt #19" keeps its number, and a new
// attempt must never reuse it. A mention belongs to the item when the line, its enclosing top-level bullet or its
// nearest heading names `[ID]` first.
import type { LedgerDoc } from './parse.ts';

export interface AttemptMention {
  number: number;
  /** 0-based line of the mention. */
  line: number;
  /** Text of the nearest heading above (where the user looks for it), or undefined at the top of the file. */
  under?: string;
  /** Always true here: mentions inside a section are the section parser's (kept so callers can merge both). */
  outside: boolean;
}

// An entry mention: the line starts (after its bullet, dates, tags, emphasis, marks) with "Attempt #N", or is a
// heading holding it. "see Attempt #40 in [X]" deep in a sentence is a cross-reference, not a used number.
const ENTRY = /^[ \t]*(?:(?:[-*+]|\d+[.)])[ \t]+)?(?:\[[^\]]*\][ \t]*|\([^)]*\)[ \t]*|\*\*|__|[✅❌🚧⚠️][ \t]*|[\d:–—-][ \t]*)*Attempt[ \t]*#[ \t]*(\d+)/i;
const HEADING_ATTEMPT = /Attempt[ \t]*#[ \t]*(\d+)/i;
const HEADING = /^ {0,3}#{1,6}[ \t]/;
const TOP_BULLET = /^(?:[-*+]|\d+[.)])[ \t]/;
const ITEM_TAG = /\[([A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+)\]/;

const ownerOf = (t: string | undefined) => (t ? ITEM_TAG.exec(t)?.[1] : undefined);

/**
 * `Attempt #N` entries of `itemId` outside every `## [ID]` section (inside one, the section parser already counts
 * them for its own item). The owner is the first item tag on the line, else on its top-level bullet, else on its
 * nearest heading.
 */
export function attemptMentions(doc: LedgerDoc, itemId: string): AttemptMention[] {
  const inAnySection = (i: number) => doc.sections.some((s) => i >= s.headingLine && i < s.endLine);
  const out: AttemptMention[] = [];
  let heading: string | undefined;
  let bullet: string | undefined;
  doc.lines.forEach((l, i) => {
    const t = l.text;
    const isHeading = HEADING.test(t);
    if (isHeading) { heading = t.trim(); bullet = undefined; } else if (TOP_BULLET.test(t)) bullet = t;
    else if (t.trim() !== '' && !/^[ \t]/.test(t)) bullet = undefined; // a blank line keeps the bullet: loose lists
    if (inAnySection(i)) return;
    const m = isHeading ? HEADING_ATTEMPT.exec(t) : ENTRY.exec(t);
    if (!m) return;
    const owner = ownerOf(t) ?? (isHeading ? undefined : ownerOf(bullet) ?? ownerOf(heading));
    if (owner === itemId) out.push({ number: Number(m[1]), line: i, under: isHeading ? undefined : heading, outside: true });
  });
  return out;
}

export interface NumberCheck {
  /** The number to use: above every mention of the item anywhere in the file. */
  next: number;
  /** Mentions outside the live section(s) at or above the section's own next number (the ones that would collide). */
  collisions: AttemptMention[];
  warning?: string;
}

/** Checks the section's own next number against the whole file; bumps it past any number used elsewhere. */
export function checkAttemptNumber(doc: LedgerDoc, itemId: string, sectionNext: number, ledgerName = 'fix_plan.md'): NumberCheck {
  const collisions = attemptMentions(doc, itemId).filter((m) => m.outside && m.number >= sectionNext);
  if (!collisions.length) return { next: sectionNext, collisions };
  const next = 1 + Math.max(...collisions.map((m) => m.number));
  const where = collisions.slice(0, 4).map((m) => `#${m.number} at line ${m.line + 1}${m.under ? ` (under "${m.under.slice(0, 60)}")` : ''}`).join('; ');
  const more = collisions.length > 4 ? ` and ${collisions.length - 4} more` : '';
  return {
    next, collisions,
    warning: `[${itemId}] already uses Attempt ${where}${more} outside its section in ${ledgerName}; numbering continues at #${next} so no number is reused.`,
  };
}

// `nb-parity record`: writes one bundle into docs/fix_plan.md as the next Attempt of an item (and optionally sets
// its Status and flips plan rows), printing a unified diff. --dry-run prints the diff and writes nothing.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  atomicWriteIfUnchanged, attemptInputFromFolder, DEFAULT_ITEM, DEFAULT_MAX_LINES, flipPlanRows, LedgerError, planRecord,
  unifiedDiff, withFileLock, workspaceOfLedger, type AttemptInput, type FlipPlan,
} from '../core/ledger/index.ts';
import { parseFailed } from './usage.ts';


const HELP = `usage: nb-parity record --ledger FILE --bundle DIR [--item ID] [--note TEXT] [--status VALUE]
                        [--plan FILE --phase E --rows E1,E2 [--case ID]] [--dry-run] [--max-lines N]
                        [--force] [--accept-unmarked]

Records the evidence bundle DIR as the next "Attempt #N" of item ID in the ledger (docs/fix_plan.md), in the
compact style: one line plus Metrics: and Artifacts: sub-lines. Prints the unified diff of every change.

  --ledger FILE     the fix_plan.md to edit
  --item ID         the item, e.g. SOURCE-WEIGHT-002 (default ${DEFAULT_ITEM}); an item that survives only as an
                    archived one-liner is refused and its successor named
  --bundle DIR      the evidence bundle folder (reports/<initiative>/<phase>/<STAMP>/)
  --note TEXT       one line appended to the entry
  --status VALUE    also set the item's first "- Status:" line and its Index status cell
                    (in_progress | done | in_planning | blocked, optionally with a parenthetical)
  --plan FILE       with --phase and --rows: flip those rows of "### Phase <phase>" to [D] (only when the bundle passed,
                    and only rows whose text names one of the bundle's passing cases)
  --case ID         the case that closes the rows, chosen by you: it must be in the bundle and pass; the rows flip
                    whatever their text names (other cases of the bundle may fail)
  --dry-run         print the diff, write nothing
  --max-lines N     refuse an edit that takes the ledger past N lines (default ${DEFAULT_MAX_LINES})
  --force           record a bundle the ledger already cites (refused by default: the same evidence twice)
  --accept-unmarked record a bundle without complete.json (older nb-parity or another tool; the entry says so)

Before recording, the bundle is checked: complete.json must say the run finished (missing: killed, crashed or out
of disk space; cancelled: refused) and every file must match its sha256 there (else: edited after the run);
bundle.json, metrics.json and the images must agree, and the verdict is judged again from the stored metrics and
thresholds.

Files are replaced atomically (temp file + rename) under an exclusive lock file (.<name>.nb-parity.lock, holding\npid, host and time; a dead holder's or a stale lock is taken over): concurrent records get consecutive numbers.`;

async function readText(file: string, what: string): Promise<{ buf: Buffer; text: string }> {
  let buf: Buffer;
  try { buf = await readFile(file); }
  catch (e) { throw new LedgerError('io', `${what} ${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`); }
  const text = buf.toString('utf8');
  // Refuse anything that would not survive a decode/encode round trip byte for byte.
  if (!Buffer.from(text, 'utf8').equals(buf)) throw new LedgerError('encoding', `${what} ${file}: not valid UTF-8; refusing to edit it (bytes would change).`);
  return { buf, text };
}

/** cwd-relative when inside cwd, else absolute: names in messages and diff headers. */
function displayName(abs: string): string {
  const rel = path.relative(process.cwd(), abs);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : abs;
}

/** 0-based line of the ledger that already cites this bundle folder, if any. */
function citedAt(text: string, bundlePath: string): number | undefined {
  const bare = bundlePath.replace(/\/$/, '');
  const i = text.split(/\r?\n/).findIndex((l) => l.includes(bundlePath) || new RegExp(`${bare.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w.-])`).test(l));
  return i < 0 ? undefined : i;
}

/** Which cases may close plan rows: the one chosen with --case (must pass), else every passing case (rows must name one). */
function flipCases(input: AttemptInput, chosen: string | undefined, rows: string[]): string[] | undefined {
  if (chosen) {
    const c = input.cases.find((x) => x.caseId === chosen) ?? input.cases.find((x) => x.caseId.toLowerCase() === chosen.toLowerCase());
    if (!c) throw new LedgerError('case', `--case ${chosen}: the bundle has no such case (it has ${input.cases.map((x) => x.caseId).join(', ') || 'none'}).`);
    if (c.status !== 'pass') throw new LedgerError('verdict', `refusing to flip ${rows.join(', ')} to [D]: case ${c.caseId} is ${c.status}, not pass.`);
    return undefined;
  }
  if (input.verdict !== 'pass') throw new LedgerError('verdict', `refusing to flip ${rows.join(', ')} to [D]: the bundle's verdict is ${input.verdict}, not pass. Record the attempt without --plan, or choose a passing case with --case ID.`);
  return input.cases.filter((c) => c.status === 'pass').map((c) => c.caseId);
}

export async function recordCommand(argv: string[]): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv, strict: true, allowPositionals: false,
      options: {
        ledger: { type: 'string' }, item: { type: 'string' }, bundle: { type: 'string' }, note: { type: 'string' },
        status: { type: 'string' }, plan: { type: 'string' }, phase: { type: 'string' }, rows: { type: 'string' },
        'dry-run': { type: 'boolean' }, force: { type: 'boolean' }, 'accept-unmarked': { type: 'boolean' }, case: { type: 'string' }, 'max-lines': { type: 'string' }, help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    return parseFailed('record', e, HELP);
  }
  if (values.help) { console.log(HELP); return 0; }
  const str = (k: string) => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
  const ledger = str('ledger');
  const bundle = str('bundle');
  if (!ledger || !bundle) {
    console.error(`nb-parity record: ${!ledger ? '--ledger FILE' : '--bundle DIR'} is required.\n\n${HELP}`);
    return 2;
  }
  const plan = str('plan');
  const phase = str('phase');
  const rows = str('rows')?.split(',').map((r) => r.trim()).filter(Boolean);
  const chosen = str('case');
  if (chosen && !plan) { console.error('nb-parity record: --case chooses the case that closes plan rows; it goes with --plan, --phase and --rows.'); return 2; }
  if ((plan || phase || rows) && !(plan && phase && rows?.length)) {
    console.error('nb-parity record: --plan, --phase and --rows go together (e.g. --plan plans/active/x.md --phase E --rows E1,E2).');
    return 2;
  }
  let maxLines = DEFAULT_MAX_LINES;
  if (str('max-lines') !== undefined) {
    maxLines = Number(str('max-lines'));
    if (!Number.isInteger(maxLines) || maxLines < 1) { console.error(`nb-parity record: --max-lines "${str('max-lines')}": expected a positive integer.`); return 2; }
  }
  const dryRun = values['dry-run'] === true;
  const itemId = (str('item') ?? DEFAULT_ITEM).replace(/^\[|\]$/g, '');

  try {
    const ledgerPath = path.resolve(ledger);
    const ledgerName = displayName(ledgerPath);
    const input = await attemptInputFromFolder(bundle, workspaceOfLedger(ledgerPath), str('note'), { acceptUnmarked: values['accept-unmarked'] === true });
    const planFile = plan ? path.resolve(plan) : undefined;

    /** Read both files and compute both edits: once for the preview, again under the locks for the write. */
    const prepare = async () => {
      const l = await readText(ledgerPath, 'ledger');
      const rec = planRecord(l.text, { itemId, input, status: str('status'), maxLines, ledgerName });
      const cited = citedAt(l.text, input.bundlePath);
      if (cited !== undefined && values.force !== true) throw new LedgerError('duplicate', `${ledgerName} already cites ${input.bundlePath} (line ${cited + 1}); recording the same bundle twice would count one run as two attempts. Pass --force if that is really wanted.`);
      if (cited !== undefined) rec.warnings.push(`${input.bundlePath} is already cited at line ${cited + 1}; recorded again (--force).`);
      let flip: { file: string; name: string; buf: Buffer; text: string; plan: FlipPlan } | undefined;
      if (planFile && phase && rows) {
        const caseIds = flipCases(input, chosen, rows);
        const name = displayName(planFile);
        const p = await readText(planFile, 'plan');
        flip = { file: planFile, name, ...p, plan: flipPlanRows(p.text, { phase, rows, attemptNumber: rec.attemptNumber, stamp: input.stamp, planName: name, caseIds }) };
      }
      return { ...l, rec, flip };
    };
    const show = ({ text, rec, flip }: Awaited<ReturnType<typeof prepare>>) => {
      console.log(`[${rec.itemId}] Attempt #${rec.attemptNumber} (${input.verdict}, ${input.stamp}) → ${ledgerName}, ${rec.where}; ${rec.linesBefore} → ${rec.linesAfter} lines (cap ${maxLines}).`);
      for (const w of rec.warnings) console.log(`warning: ${w}`);
      for (const r of flip?.plan.rows ?? []) console.log(`plan ${flip!.name} row ${r.id} (line ${r.line + 1}): ${r.action === 'flipped' ? `${r.before} → [D]` : `left alone (${r.reason})`}`);
      process.stdout.write(unifiedDiff(text, rec.newText, ledgerName.split(path.sep).join('/')));
      if (flip && flip.plan.edits.length) process.stdout.write(unifiedDiff(flip.text, flip.plan.newText, flip.name.split(path.sep).join('/')));
    };

    if (dryRun) { show(await prepare()); console.log('(dry run: nothing written)'); return 0; }
    // Read-compare-write under an exclusive lock (ledger first, then plan: one order, no deadlock). Reading under the
    // lock means a record that finished meanwhile is seen, and this one becomes the next number instead of a clash.
    const both = <T>(fn: () => Promise<T>) => withFileLock(ledgerPath, () => (planFile ? withFileLock(planFile, fn) : fn()));
    return await both(async () => {
      const p = await prepare();
      show(p);
      const { buf, rec, flip } = p;
      await atomicWriteIfUnchanged(ledgerPath, buf, rec.newText);
      if (flip && flip.plan.edits.length) {
        try { await atomicWriteIfUnchanged(flip.file, flip.buf, flip.plan.newText); }
        catch (e) { throw new LedgerError('partial', `${ledgerName} was written (Attempt #${rec.attemptNumber}), but the plan was not: ${(e as Error).message}`); }
      }
      console.log(`wrote ${ledgerName}${flip && flip.plan.edits.length ? ` and ${flip.name}` : ''}`);
      return 0;
    });
  } catch (e) {
    if (e instanceof LedgerError) { console.error(`nb-parity record: ${e.message}`); return 1; }
    throw e;
  }
}

// "Record attempt in fix_plan.md": bundle → item pick (archived items offer their successor) → attempt number shown
// → optional note → options (set Status, flip plan rows) → non-modal diff preview (current ↔ proposed, Apply / Edit /
// Cancel in the diff's title bar) → WorkspaceEdit.
// Edits are computed against the document's current text (an open, unsaved buffer included), re-validated if it
// changed since the preview, and applied as one undoable WorkspaceEdit. The pure logic lives in src/core/ledger.
import path from 'node:path';
import * as vscode from 'vscode';
import {
  attemptInputFromFolder, itemChoices, LedgerError, parseLedger, phaseOf, phaseRows, planReferenceOf, propose, revalidate,
  type AttemptInput, type Proposal, type ProposalRequest, type TextEdit,
} from '../../core/ledger/index.ts';
import { PROPOSED_SCHEME, ProposedContent } from './proposedContent.ts';
import { awaitDecision, registerPreviewCommands, type PreviewDecision } from './previewDecision.ts';
import { StepInput } from '../commands/stepInput.ts';

export interface LedgerDeps {
  getLastBundleDir(): string | undefined;
  log(line: string): void;
}

const LEDGER_REL = 'docs/fix_plan.md';
let deps: LedgerDeps | undefined;
let content: ProposedContent | undefined;

export function registerLedgerCommands(context: vscode.ExtensionContext, d: LedgerDeps): void {
  deps = d;
  content = new ProposedContent();
  context.subscriptions.push(
    content,
    vscode.workspace.registerTextDocumentContentProvider(PROPOSED_SCHEME, content),
    vscode.commands.registerCommand('nbParity.recordAttempt', async (arg?: unknown) => {
      const dir = typeof arg === 'string' ? arg : arg instanceof vscode.Uri ? arg.fsPath : isDirHolder(arg) ? arg.dir : undefined;
      const bundle = dir ?? d.getLastBundleDir() ?? (await pickBundleFolder());
      if (bundle) await recordAttemptFromBundle(bundle);
    }),
  );
  registerPreviewCommands(context);
}

const isDirHolder = (v: unknown): v is { dir: string } => !!v && typeof v === 'object' && typeof (v as { dir?: unknown }).dir === 'string';

async function pickBundleFolder(): Promise<string | undefined> {
  const ws = vscode.workspace.workspaceFolders?.[0];
  const picked = await vscode.window.showOpenDialog({
    canSelectFolders: true, canSelectFiles: false, canSelectMany: false, openLabel: 'Record this bundle',
    title: 'Evidence bundle folder (reports/<initiative>/<phase>/<STAMP>/)',
    defaultUri: ws ? vscode.Uri.joinPath(ws.uri, 'reports') : undefined,
  });
  return picked?.[0]?.fsPath;
}

function log(line: string): void {
  deps?.log(`[ledger] ${line}`);
}

async function fail(message: string): Promise<void> {
  log(message);
  await vscode.window.showErrorMessage(message);
}

/** The whole flow for one bundle folder. Never writes without the user's Apply. */
export async function recordAttemptFromBundle(bundleDir: string): Promise<void> {
  try {
    await flow(bundleDir);
  } catch (e) {
    await fail(e instanceof LedgerError ? e.message : `Record attempt: ${e instanceof Error ? e.message : String(e)}`);
  }
}

async function flow(bundleDir: string): Promise<void> {
  const steps = new StepInput();
  try { await flowSteps(bundleDir, steps); } finally { steps.dispose(); }
}

async function flowSteps(bundleDir: string, steps: StepInput): Promise<void> {
  const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(bundleDir)) ?? vscode.workspace.workspaceFolders?.[0];
  if (!folder) { await fail('Record attempt: open the nanoBragg workspace folder first (the ledger is <workspace>/docs/fix_plan.md).'); return; }
  const cfg = vscode.workspace.getConfiguration('nbParity', folder.uri);
  let ledgerUri = vscode.Uri.joinPath(folder.uri, LEDGER_REL);
  if (!(await exists(ledgerUri))) {
    const choice = await vscode.window.showErrorMessage(`${ledgerUri.fsPath} does not exist.`, 'Choose the ledger file…');
    if (!choice) return;
    const f = await vscode.window.showOpenDialog({ canSelectFiles: true, canSelectMany: false, filters: { Markdown: ['md'] }, defaultUri: folder.uri });
    if (!f?.[0]) return;
    ledgerUri = f[0];
  }
  const ledgerName = path.basename(ledgerUri.fsPath);
  const input = await attemptInputFromFolder(bundleDir, folder.uri.fsPath);

  // Item: the quick pick lists every item with its status; archived one-liners say so and offer their successor.
  let ledgerDoc = await vscode.workspace.openTextDocument(ledgerUri);
  const choices = itemChoices(parseLedger(ledgerDoc.getText()), cfg.get<string>('ledger.item') || undefined);
  const pick = await steps.pickOne({
    items: choices.map((c) => ({ ...c, alwaysShow: true })),
    title: `Record ${input.stamp} (${input.verdict}) in ${ledgerName}: which item?`, matchOnDescription: true, matchOnDetail: true,
    placeholder: 'Item of fix_plan.md (status · next attempt number)',
  });
  if (!pick) return;
  let itemId = pick.item.id;
  if (pick.item.state === 'archived') {
    const succ = pick.item.successor;
    const use = succ ? `Record in [${succ}]` : undefined;
    steps.close();
    const answer = await vscode.window.showWarningMessage(`[${itemId}] survives only as an archived one-liner in ${ledgerName} (line ${pick.item.line}); no section will be created.`, { modal: true }, ...(use ? [use] : []));
    if (!answer || !succ) return;
    itemId = succ;
  } else if (pick.item.state === 'index-only') {
    steps.close();
    await fail(`[${itemId}] is in the Index of ${ledgerName} (line ${pick.item.line}) but has no "## [${itemId}]" section to hold attempts; add the section first.`);
    return;
  }
  const maxLines = cfg.get<number>('ledger.maxLines') ?? 999;
  // Computes the number now, so the user sees it before anything is written.
  const first = propose(ledgerDoc.getText(), { itemId, input, maxLines, ledgerName });
  const n = first.record.attemptNumber;

  const note = await steps.text({
    title: `[${itemId}] Attempt #${n} — ${input.verdict} (${input.stamp})`,
    prompt: `Optional note, one line, appended to Attempt #${n}`, placeholder: 'e.g. after the -N 1 fix',
  });
  if (note === undefined) return;
  const req: ProposalRequest = { itemId, input: { ...input, note: note || undefined } as AttemptInput, maxLines, ledgerName };

  // Options: set Status (section + Index cell), flip plan rows (only for a passing bundle with a plan and phase).
  const planRel = planReferenceOf(ledgerDoc.getText(), itemId);
  const phase = phaseOf(input.bundlePath, cfg.get<string>('phase'));
  const planUri = planRel ? vscode.Uri.joinPath(folder.uri, planRel) : undefined;
  type Opt = vscode.QuickPickItem & { key: 'status' | 'flip' };
  const opts: Opt[] = [{ key: 'status', label: 'Set Status', description: "the section's first \"- Status:\" line and the Index cell", picked: input.verdict === 'pass' }];
  let flipNote = '';
  if (input.verdict !== 'pass') flipNote = `plan rows are flipped only for a passing bundle (this one: ${input.verdict})`;
  else if (!planUri || !(await exists(planUri))) flipNote = `no plan file found (Plan Reference: ${planRel ?? 'none'})`;
  else if (!phase) flipNote = 'no phase in the bundle path';
  else opts.push({ key: 'flip', label: `Flip Phase ${phase} rows to [D]`, description: planRel, picked: true });
  const chosen = await steps.pickMany({ items: opts, title: `[${itemId}] Attempt #${n}: also…`, placeholder: flipNote || 'Uncheck what you do not want' });
  if (!chosen) return;

  if (chosen.some((o) => o.key === 'status')) {
    const status = await steps.text({
      title: `[${itemId}] new status`, value: input.verdict === 'pass' ? 'done' : 'in_progress',
      prompt: 'in_progress | done | in_planning | blocked, optionally with a parenthetical',
    });
    if (status === undefined) return;
    req.status = status;
  }
  let planDoc: vscode.TextDocument | undefined;
  if (chosen.some((o) => o.key === 'flip') && planUri && phase) {
    planDoc = await vscode.workspace.openTextDocument(planUri);
    const rows = phaseRows(planDoc.getText(), phase) ?? [];
    const open = rows.filter((r) => !/^\[(D|X|x)\]$/.test(r.state));
    if (open.length) {
      const picked = await steps.pickMany({ items: open.map((r) => ({ label: r.id, description: `${r.state} ${r.task}`, picked: true })), title: `Phase ${phase} rows to flip to [D]` });
      if (!picked) return;
      if (picked.length) req.flip = { planText: planDoc.getText(), planName: planRel!, phase, rows: picked.map((p) => p.label) };
    } else log(`Phase ${phase} of ${planRel}: no open rows to flip.`);
  }

  steps.close();
  // Preview, then apply; loop when the file changed into a different attempt number.
  let proposal = propose(ledgerDoc.getText(), req);
  let decision: PreviewDecision;
  for (;;) {
    decision = await preview(ledgerUri, proposal, planUri);
    if (decision === 'cancel') return;
    ledgerDoc = await vscode.workspace.openTextDocument(ledgerUri);
    planDoc = planUri && proposal.flip ? await vscode.workspace.openTextDocument(planUri) : undefined;
    const check = revalidate(proposal, ledgerDoc.getText(), planDoc?.getText());
    proposal = check.proposal;
    if (check.kind === 'renumbered') { await vscode.window.showWarningMessage(check.note + ' Showing the new preview.'); continue; }
    if (check.kind === 'recomputed') log(check.note);
    break;
  }
  // Edit: the same edit, left unsaved in the editor at the entry, for the user to change and save.
  await apply(ledgerDoc, proposal.record.edits, planDoc, proposal.flip?.edits, decision === 'edit');
  if (decision === 'edit') { await revealEntry(ledgerDoc, proposal.record.insertedAt); return; }
  const msg = `Recorded Attempt #${proposal.record.attemptNumber} in [${proposal.record.itemId}] (${ledgerName}, ${proposal.record.linesAfter} lines)${proposal.flip ? `; flipped ${proposal.flip.rows.filter((r) => r.action === 'flipped').map((r) => r.id).join(', ') || 'no rows'} in ${req.flip!.planName}` : ''}.`;
  log(msg);
  for (const w of proposal.record.warnings) log(`warning: ${w}`);
  const open = await vscode.window.showInformationMessage(msg, 'Show entry');
  if (open) await revealEntry(ledgerDoc, proposal.record.insertedAt);
}

async function revealEntry(doc: vscode.TextDocument, line: number): Promise<void> {
  const editor = await vscode.window.showTextDocument(doc);
  const pos = new vscode.Position(line, 0);
  editor.selection = new vscode.Selection(pos, pos);
  editor.revealRange(new vscode.Range(pos, pos), vscode.TextEditorRevealType.InCenter);
}

async function preview(ledgerUri: vscode.Uri, p: Proposal, planUri?: vscode.Uri): Promise<PreviewDecision> {
  const c = content!;
  const proposedLedger = c.put(path.basename(ledgerUri.fsPath), p.record.newText);
  const proposedPlan = p.flip && planUri ? c.put(path.basename(planUri.fsPath), p.flip.newText) : undefined;
  try {
    if (proposedPlan && planUri) await vscode.commands.executeCommand('vscode.diff', planUri, proposedPlan, `${path.basename(planUri.fsPath)}: current ↔ rows flipped (proposed)`, { preview: false });
    // The ledger diff last, so it is the active editor, scrolled to the new entry (selection = its first line).
    const entry = new vscode.Range(p.record.insertedAt, 0, p.record.insertedAt + Math.max(0, p.record.insertedCount - 1), 0);
    await vscode.commands.executeCommand('vscode.diff', ledgerUri, proposedLedger, `${path.basename(ledgerUri.fsPath)}: current ↔ Attempt #${p.record.attemptNumber} (proposed)`, { preview: false, selection: entry });
    const flips = p.flip ? p.flip.rows.map((r) => `Plan row ${r.id}: ${r.action === 'flipped' ? `${r.before} → [D]` : `left alone (${r.reason})`}.`) : [];
    const summary = `[${p.record.itemId}] Attempt #${p.record.attemptNumber}, ${p.record.where}; ${p.record.linesBefore} → ${p.record.linesAfter} lines. ${flips.join(' ')}`.trim();
    return await awaitDecision(summary, p.record.warnings);
  } finally {
    c.forget(proposedLedger);
    if (proposedPlan) c.forget(proposedPlan);
  }
}

function toRange(doc: vscode.TextDocument, e: TextEdit): vscode.Range {
  return new vscode.Range(doc.positionAt(e.start), doc.positionAt(e.end));
}

/** One WorkspaceEdit for both files (undoable). A document that had no unsaved changes is saved afterwards, like the CLI; one with unsaved changes is left for the user to save. */
async function apply(ledger: vscode.TextDocument, ledgerEdits: TextEdit[], plan?: vscode.TextDocument, planEdits?: TextEdit[], keepUnsaved = false): Promise<void> {
  const we = new vscode.WorkspaceEdit();
  const wasDirty = [ledger.isDirty, plan?.isDirty ?? false];
  for (const e of ledgerEdits) we.replace(ledger.uri, toRange(ledger, e), e.newText);
  if (plan && planEdits) for (const e of planEdits) we.replace(plan.uri, toRange(plan, e), e.newText);
  if (!(await vscode.workspace.applyEdit(we))) throw new LedgerError('apply', `VS Code refused the edit to ${ledger.uri.fsPath}; nothing was changed.`);
  if (keepUnsaved) return;
  if (!wasDirty[0]) await ledger.save();
  if (plan && planEdits?.length && !wasDirty[1]) await plan.save();
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try { await vscode.workspace.fs.stat(uri); return true; } catch { return false; }
}

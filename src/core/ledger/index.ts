// The fix_plan.md ledger writer: pure text in → edits + text out (no vscode, no file writes except atomicWrite).
export { splitLines, dominantEol, countLines, type Line, type Eol } from './lines.ts';
export { applyEdits, insertLinesAfter, LedgerError, type TextEdit } from './edits.ts';
export { parseLedger, githubSlug, type LedgerDoc, type ItemSection, type IndexRow, type ArchivedOneLiner, type AttemptEntry } from './parse.ts';
export { listItems, resolveItem, nextAttemptNumber, statusValue, DEFAULT_ITEM, type ItemSummary, type ResolvedItem } from './items.ts';
export { composeEntry, oneLine, VERDICT_WORDS, type AttemptInput, type AttemptCase, type AttemptVerdict } from './compose.ts';
export { planRecord, validateStatus, DEFAULT_MAX_LINES, STATUS_WORDS, type RecordRequest, type RecordPlan } from './record.ts';
export { flipPlanRows, rowNamesCase, type FlipRequest, type FlipPlan, type RowOutcome } from './plan.ts';
export { unifiedDiff } from './diff.ts';
export { attemptInputFromBundle, attemptInputFromFolder, enrichFromDir, readAttemptInputFromDir, relativeBundlePath, workspaceOfLedger, dateFromStamp } from './bundleInput.ts';
export { atomicWriteIfUnchanged } from './atomicWrite.ts';
export { verifyBundle, ACCEPT_UNMARKED_FLAG, type VerifyOptions, type Verified } from './verifyBundle.ts';
export { itemChoices, planReferenceOf, phaseOf, phaseRows, propose, revalidate, type ItemChoice, type PlanRow, type Proposal, type ProposalRequest, type Revalidation } from './proposal.ts';
export { withFileLock, lockPathFor, type LockOptions } from './fileLock.ts';
export { attemptMentions, checkAttemptNumber, type AttemptMention, type NumberCheck } from './collisions.ts';

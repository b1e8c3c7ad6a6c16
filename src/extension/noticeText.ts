// Pure text of the notifications: the run's result notice (a progress notification, whose actions are command links
// because extensions cannot give it buttons) and the results panel's confirmations. No vscode import: unit-tested.
import type { Bundle } from '../shared/types.ts';

export interface NoticeAction {
  label: string;
  command: string;
  /** Passed to the command as its arguments (JSON: strings, numbers, plain objects). */
  args?: unknown[];
}

/** `[label](command:id?args)`: VS Code renders it as a link in a notification and runs the command on click. */
export function commandLink(a: NoticeAction): string {
  // Brackets in a label would end the link text early; the query is the URI-encoded JSON array of arguments.
  const label = a.label.replace(/[[\]]/g, '');
  // encodeURIComponent leaves ( ) unescaped, and a ")" would end the Markdown link.
  const query = a.args?.length ? `?${encodeURIComponent(JSON.stringify(a.args)).replace(/\(/g, '%28').replace(/\)/g, '%29')}` : '';
  return `[${label}](command:${a.command}${query})`;
}

/**
 * One line for a notification: the headline, the actions (early, so a clipped toast still shows them), then the
 * detail. Newlines are flattened: a toast shows one paragraph.
 */
export function noticeMessage(headline: string, actions: NoticeAction[], detail?: string): string {
  const flat = (s: string) => s.replace(/\s*\r?\n\s*/g, ' ').trim();
  const links = actions.map(commandLink).join(' · ');
  return [flat(headline), links, detail ? flat(detail) : ''].filter(Boolean).join(' — ');
}

/** The notice's own commands: run an action and close the notice (as a button would), or just close it. */
export const NOTICE_RUN = 'nbParity.notice.run';
export const NOTICE_DISMISS = 'nbParity.notice.dismiss';

/** The actions as the notice links them: each through NOTICE_RUN (so a click also closes it), then "Dismiss". */
export function noticeLinks(actions: NoticeAction[]): NoticeAction[] {
  return [
    ...actions.map((a) => ({ label: a.label, command: NOTICE_RUN, args: [a.command, ...(a.args ?? [])] })),
    { label: 'Dismiss', command: NOTICE_DISMISS },
  ];
}

/**
 * Headline and detail of a finished run (a bundle was written). The headline is short: a notice without buttons is
 * one line until expanded, and the links follow it; the failing cases and the bundle stamp go in the detail.
 */
export function runSummary(bundle: Pick<Bundle, 'cases' | 'stamp'>): { headline: string; detail: string; failed: number } {
  const n = bundle.cases.length;
  const failed = bundle.cases.filter((c) => c.verdict.status !== 'pass');
  const where = `bundle ${bundle.stamp}`;
  if (!failed.length) return { headline: `Parity: all ${n} passed`, detail: where, failed: 0 };
  return {
    headline: `Parity ${n - failed.length}/${n} passed`,
    detail: `${failed.map((c) => `${c.caseId} ${c.verdict.status}: ${c.verdict.reason}`).join('; ')}; ${where}`,
    failed: failed.length,
  };
}

/** "Metrics of 2 cases copied as Markdown — paste them into a PR or the ledger." */
export function copiedText(caseCount: number | undefined): string {
  const what = caseCount === undefined ? 'Metrics' : `Metrics of ${caseCount} case${caseCount === 1 ? '' : 's'}`;
  return `${what} copied to the clipboard as a Markdown table — paste it into a PR or the ledger.`;
}

/** "Exported parity_….png (123 KB) to <where>." */
export function exportedText(shownPath: string, bytes: number): string {
  const size = bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
  return `Exported PNG (${size}): ${shownPath}`;
}

/** "Exported 2 files to out/ (tc_d1_reference.npy, tc_d1_candidate.npy)." (at most three names, then "+N more"). */
export function exportedFilesText(shownFolder: string, written: string[]): string {
  const names = written.map((f) => f.split(/[\\/]/).pop() ?? f);
  const list = names.length > 3 ? `${names.slice(0, 3).join(', ')} +${names.length - 3} more` : names.join(', ');
  return `Exported ${written.length} file${written.length === 1 ? '' : 's'} to ${shownFolder}${list ? ` (${list})` : ''}.`;
}

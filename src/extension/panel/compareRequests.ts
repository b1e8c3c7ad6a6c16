// The results panel's issue-16 requests: a case's history, compare with the previous bundle (opened beside, with
// compareBundles' judgement as the answer), open another bundle, export .npy/CSV to a folder the user picks, and a
// what-if run. Kept apart from resultsPanel.ts, which delegates every CompareRequest here.
import * as vscode from 'vscode';
import type { Bundle } from '../../shared/types.ts';
import type { CompareRequest } from '../../shared/compareMessages.ts';
import type { HostToWebview } from '../../shared/messages.ts';
import { caseHistory } from '../../core/compare/history.ts';
import { compareBundles, previousBundle, workspaceOfBundle } from '../../core/compare/bundles.ts';
import { exportCase } from '../../core/export/caseExport.ts';
import type { Log } from '../log.ts';
import type { CompareSpec } from '../../core/compare/compareView.ts';
import { basename } from 'node:path';
import { confirmExportedFiles } from './confirmations.ts';

/** A = the older bundle (STAMPs sort by time), whichever order the two were given in. */
async function olderFirst(x: string, y: string): Promise<[string, string]> {
  return basename(x) <= basename(y) ? [x, y] : [y, x];
}

export interface CompareContext {
  bundle?: Bundle;
  log: Log;
  post(msg: HostToWebview): Promise<boolean>;
  /** Open a bundle in a panel (beside the current one for compare-with-previous). */
  open(dir: string, beside: boolean): Promise<void>;
  /** Open the linked compare view of one case in two bundles (ResultsPanels.openCompare). */
  openCompare?(spec: CompareSpec, beside: boolean): Promise<unknown>;
  /** Re-run a case of the bundle with extra flags on both sides as a what-if bundle, when the host can run. */
  whatIf?(bundle: Bundle, caseId: string, flags: string[], reason?: string): Promise<{ ok: boolean; message: string }>;
}

/** What the results panel's deps add for these requests (ResultsPanels fills in `open`). */
export interface CompareDeps {
  /** Open a bundle dir in a panel, beside the current one or not. */
  open?(dir: string, beside: boolean): Promise<void>;
  openCompare?: CompareContext['openCompare'];
  whatIf?: CompareContext['whatIf'];
}

type Answer = { ok: boolean; message?: string };

export async function handleCompareRequest(msg: CompareRequest, ctx: CompareContext): Promise<Answer> {
  const bundle = ctx.bundle;
  switch (msg.type) {
    case 'showHistory': {
      if (!bundle) return { ok: false, message: 'No bundle is shown.' };
      const rows = await caseHistory(workspaceOfBundle(bundle), msg.caseId);
      await ctx.post({ type: 'history', caseId: msg.caseId, rows });
      return { ok: true, message: `${rows.length} bundle(s) ran ${msg.caseId}.` };
    }
    case 'compareWithPrevious': {
      const prev = await previousBundle(msg.bundleDir, msg.caseId);
      if (!prev) return { ok: false, message: `No earlier bundle ran ${msg.caseId}.` };
      const cmp = await compareBundles(prev, msg.bundleDir, { caseId: msg.caseId });
      // Linked: one panel with both bundles' images and the Δ between them (older = A); else the old bundle beside.
      if (ctx.openCompare) await ctx.openCompare({ a: prev, b: msg.bundleDir, caseId: msg.caseId }, true);
      else await ctx.open(prev, true);
      const c = cmp.cases[0];
      return { ok: true, message: c ? `${msg.caseId} since ${cmp.a.stamp}: ${c.change} (${c.why}); ${c.moved}` : `Opened ${prev}.` };
    }
    case 'openCompare': {
      if (!ctx.openCompare) return { ok: false, message: 'This panel cannot open a compare view.' };
      const [a, b] = await olderFirst(msg.bundleA, msg.bundleB);
      await ctx.openCompare({ a, b, caseId: msg.caseId }, true);
      return { ok: true, message: `Comparing ${msg.caseId}: ${basename(a)} ↔ ${basename(b)}` };
    }
    case 'openBundle':
      await ctx.open(msg.bundleDir, false);
      return { ok: true };
    case 'exportData': {
      const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, canSelectMany: false, title: `Export ${msg.caseId}: choose a folder (files are never overwritten)`, openLabel: 'Export here' });
      if (!picked?.[0]) return { ok: false, message: 'Export cancelled.' };
      const formats = msg.format === 'both' ? (['npy', 'csv'] as const) : [msg.format];
      const written: string[] = [];
      for (const f of formats) written.push(...await exportCase(msg.bundleDir, msg.caseId, f, picked[0].fsPath, msg.roi ? [msg.roi] : []));
      ctx.log.info(`exported ${written.join(', ')}`);
      confirmExportedFiles(picked[0], written);
      return { ok: true, message: `Wrote ${written.length} file(s) to ${picked[0].fsPath}` };
    }
    case 'runWhatIf': {
      if (!bundle || !ctx.whatIf) return { ok: false, message: 'What-if runs need a workspace folder with the case files.' };
      if (bundle.dir !== msg.bundleDir) return { ok: false, message: `The panel now shows ${bundle.dir}, not ${msg.bundleDir}; try again.` };
      return ctx.whatIf(bundle, msg.caseId, msg.flags, msg.reason);
    }
  }
}

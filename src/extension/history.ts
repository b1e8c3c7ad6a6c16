// Earlier evidence bundles of a folder: the last verdict of each case (quick pick) and trend points (webview).
// Bundles are never modified once written, so each one is read once per session and cached by folder path.
import * as vscode from 'vscode';
import type { Bundle, CaseResult } from '../shared/types.ts';
import type { RunSettings } from '../core/settings.ts';
import { listBundles, readBundle } from '../core/evidence/index.ts';
import { errorText, type Log } from './log.ts';

const MAX_BUNDLES = 40;

export class BundleHistory {
  private readonly cache = new Map<string, Promise<Bundle | undefined>>();

  constructor(private readonly log: Log) {}

  read(dir: string): Promise<Bundle | undefined> {
    let p = this.cache.get(dir);
    if (!p) {
      p = readBundle(dir).catch((err) => {
        this.log.warn(`could not read bundle ${dir}: ${errorText(err)}`);
        this.cache.delete(dir);
        return undefined;
      });
      this.cache.set(dir, p);
    }
    return p;
  }

  /** A bundle we just wrote: no need to read it back. */
  remember(bundle: Bundle): void {
    this.cache.set(bundle.dir, Promise.resolve(bundle));
  }

  /** Newest first, at most MAX_BUNDLES, unreadable ones skipped. */
  async recent(folder: vscode.WorkspaceFolder, settings: Partial<RunSettings>, limit = MAX_BUNDLES): Promise<Bundle[]> {
    let dirs: { dir: string; stamp: string }[];
    try {
      dirs = await listBundles(folder.uri.fsPath, settings);
    } catch (err) {
      this.log.warn(`could not list evidence bundles in ${folder.uri.fsPath}: ${errorText(err)}`);
      return [];
    }
    const bundles = await Promise.all(dirs.slice(0, limit).map((d) => this.read(d.dir)));
    return bundles.filter((b): b is Bundle => !!b);
  }

  /** Last result of each case id across the recent bundles (newest wins). */
  async lastResults(folder: vscode.WorkspaceFolder, settings: Partial<RunSettings>): Promise<Map<string, { result: CaseResult; stamp: string }>> {
    const out = new Map<string, { result: CaseResult; stamp: string }>();
    for (const b of await this.recent(folder, settings)) {
      for (const c of b.cases) if (!out.has(c.caseId)) out.set(c.caseId, { result: c, stamp: b.stamp });
    }
    return out;
  }
}

// Test Explorer: a tree of parity cases (a parity_cases.yaml case → its runs; built-ins and .nb-parity/cases.json
// apart), each at its definition. Running items runs parity through the same service as the palette; the verdict maps to
// passed / failed (threshold miss) / errored (crash, no output, NaN, timeout) with a Markdown metrics message.
import * as vscode from 'vscode';
import type { Bundle, Case } from '../shared/types.ts';
import type { ParityService } from './parityService.ts';
import type { VerdictStatusBar } from './statusBar.ts';
import type { BundleHistory } from './history.ts';
import { caseResultMarkdown, outcomeOf, toCrlf } from './resultText.ts';
import { gateRun } from './trust.ts';
import { errorText, type Log } from './log.ts';
import { Disposable } from './disposable.ts';
import { buildCaseTree, caseDescription, type CaseNode, type LastResult } from './caseTree.ts';

export const MESSAGE_CONTEXT = 'nbParity.result';
const FOLDER_PREFIX = 'folder:';

interface Deps { log: Log; service: ParityService; statusBar: VerdictStatusBar; history: BundleHistory }

export class ParityTests extends Disposable {
  readonly controller: vscode.TestController;
  /** The default Run profile (exposed for the @vscode/test-electron suite, which drives it like the Test Explorer). */
  readonly runProfile: vscode.TestRunProfile;
  /** TestItem id → case definition and its folder. */
  private readonly cases = new Map<string, { caseDef: Case; folder: vscode.WorkspaceFolder }>();
  /** TestItem id → bundle dir of its last run (the message menu opens it). */
  private readonly lastBundle = new Map<string, string>();
  private refreshing?: Promise<void>;

  constructor(private readonly deps: Deps) {
    super();
    this.controller = vscode.tests.createTestController('nbParity', 'nanoBragg Parity');
    this.controller.refreshHandler = () => this.refresh();
    this.controller.resolveHandler = async (item) => { if (!item) await this.refresh(); };
    this.runProfile = this.controller.createRunProfile('Run parity', vscode.TestRunProfileKind.Run, (req, token) => this.runHandler(req, token), true);
    // Case files change → reload the tree (debounced: editors save in bursts).
    let timer: NodeJS.Timeout | undefined;
    const later = () => { clearTimeout(timer); timer = setTimeout(() => void this.refresh(), 300); };
    for (const glob of ['**/tests/parity_cases.yaml', '**/.nb-parity/cases.json']) {
      const w = vscode.workspace.createFileSystemWatcher(glob);
      for (const d of [w, w.onDidChange(later), w.onDidCreate(later), w.onDidDelete(later)]) this._register(d);
    }
    this._register(vscode.workspace.onDidChangeWorkspaceFolders(later));
    this._register(this.controller); // last, as before: the watchers go first
  }

  /** The TestItem with this id anywhere in the tree (groups hold the cases now). */
  findItem(id: string): vscode.TestItem | undefined {
    let found: vscode.TestItem | undefined;
    const walk = (i: vscode.TestItem) => { if (i.id === id) found = i; else if (!found) i.children.forEach(walk); };
    this.controller.items.forEach(walk);
    return found;
  }

  bundleFor(testId: string): string | undefined {
    return this.lastBundle.get(testId);
  }

  /** Item id: the case id (single folder) or "<folder>::<case id>" (multi-root). */
  private itemId(folder: vscode.WorkspaceFolder, caseId: string, multi: boolean): string {
    return multi ? `${folder.uri.toString()}::${caseId}` : caseId;
  }

  refresh(): Promise<void> {
    this.refreshing ??= this.load().finally(() => { this.refreshing = undefined; });
    return this.refreshing;
  }

  private async load(): Promise<void> {
    const folders = vscode.workspace.workspaceFolders ?? [];
    const multi = folders.length > 1;
    const roots: vscode.TestItem[] = [];
    this.cases.clear();
    for (const folder of folders) {
      const { cases, errors } = await this.deps.service.casesFor(folder);
      const last = await this.deps.history.lastResults(folder, this.deps.service.bundleLocation(folder)).catch(() => new Map<string, LastResult>());
      let parent: vscode.TestItem | undefined;
      if (multi) {
        parent = this.controller.createTestItem(`${FOLDER_PREFIX}${folder.uri.toString()}`, folder.name, folder.uri);
        roots.push(parent);
      }
      // yaml case → its runs; built-ins and cases.json in their own groups (caseTree.ts). Running a group node runs
      // every case below it: collect() walks the children.
      const toItem = (node: CaseNode): vscode.TestItem => {
        const c = node.caseDef;
        const id = c ? this.itemId(folder, c.id, multi) : `${multi ? `${folder.uri.toString()}::` : ''}${node.id}`;
        const uri = c?.location ? vscode.Uri.file(c.location.file) : node.children[0]?.caseDef?.location ? vscode.Uri.file(node.children[0].caseDef.location.file) : undefined;
        const item = this.controller.createTestItem(id, node.label, uri);
        const line = c?.location?.line ?? node.children[0]?.caseDef?.location?.line;
        if (uri && line !== undefined) item.range = new vscode.Range(line, 0, line, 0);
        if (c) {
          item.description = caseDescription(c, last.get(c.id));
          item.tags = [new vscode.TestTag(c.source)];
          this.cases.set(id, { caseDef: c, folder });
        } else {
          item.description = node.description;
          for (const ch of node.children) item.children.add(toItem(ch));
        }
        return item;
      };
      for (const node of buildCaseTree(cases)) {
        const item = toItem(node);
        if (parent) parent.children.add(item); else roots.push(item);
      }
      if (errors.length && parent) parent.error = new vscode.MarkdownString(errors.map((e) => `- ${e}`).join('\n'));
      else if (errors.length) this.deps.log.warn(`Test Explorer: ${errors.length} case definition problem(s); see above.`);
    }
    this.controller.items.replace(roots);
  }

  private collect(req: vscode.TestRunRequest): vscode.TestItem[] {
    const out: vscode.TestItem[] = [];
    const excluded = new Set((req.exclude ?? []).map((i) => i.id));
    const walk = (item: vscode.TestItem) => {
      if (excluded.has(item.id)) return;
      if (this.cases.has(item.id)) out.push(item);
      item.children.forEach(walk);
    };
    if (req.include) req.include.forEach(walk); else this.controller.items.forEach(walk);
    return out;
  }

  private async runHandler(req: vscode.TestRunRequest, token: vscode.CancellationToken): Promise<void> {
    if (!this.cases.size) await this.refresh();
    const items = this.collect(req);
    const run = this.controller.createTestRun(req, 'nanoBragg Parity', true);
    const pending = new Set(items);
    try {
      for (const item of items) run.enqueued(item);
      // One runParity per folder (one bundle per folder), folders one after another.
      const byFolder = new Map<vscode.WorkspaceFolder, vscode.TestItem[]>();
      for (const item of items) {
        const { folder } = this.cases.get(item.id)!;
        byFolder.set(folder, [...(byFolder.get(folder) ?? []), item]);
      }
      for (const [folder, folderItems] of byFolder) {
        if (token.isCancellationRequested) break;
        const settings = await this.deps.service.settingsFor(folder);
        // VS Code asks for trust before calling us; this guard covers a trust change mid-session.
        const gate = await gateRun(settings.candidate, settings.reference, (l) => this.deps.log.warn(l));
        if (gate === 'cancelled') {
          for (const item of folderItems) { run.skipped(item); pending.delete(item); }
          continue;
        }
        const byCaseId = new Map(folderItems.map((i) => [this.cases.get(i.id)!.caseDef.id, i]));
        for (const item of folderItems) run.started(item);
        const started = Date.now();
        this.deps.statusBar.running(`${folderItems.length} case(s)`);
        const outcome = await this.deps.service.run({
          folder,
          cases: folderItems.map((i) => this.cases.get(i.id)!.caseDef),
          embeddedOnly: gate === 'embedded-only',
          token,
          onLog: (line) => run.appendOutput(toCrlf(`${line}\n`)),
        });
        if (outcome.bundle) {
          this.report(run, outcome.bundle, byCaseId, pending, Date.now() - started);
          this.deps.history.remember(outcome.bundle);
          this.deps.statusBar.showBundle(outcome.bundle);
        } else {
          this.deps.statusBar.restore();
          if (!outcome.cancelled) {
            for (const item of folderItems) {
              run.errored(item, new vscode.TestMessage(`No evidence bundle was written: ${outcome.error ?? 'unknown error'}`));
              pending.delete(item);
            }
          }
        }
      }
    } catch (err) {
      this.deps.log.error(`Test Explorer run: ${errorText(err)}`);
      for (const item of pending) run.errored(item, new vscode.TestMessage(errorText(err)));
      pending.clear();
    } finally {
      // Cancelled or never reached: VS Code shows them as skipped rather than stuck "running".
      for (const item of pending) run.skipped(item);
      run.end();
    }
  }

  private report(run: vscode.TestRun, bundle: Bundle, byCaseId: Map<string, vscode.TestItem>, pending: Set<vscode.TestItem>, wallMs: number): void {
    for (const r of bundle.cases) {
      const item = byCaseId.get(r.caseId);
      if (!item) continue;
      // A case the user cancelled mid-way: skipped, not a failure of the port.
      if (r.reference.cancelled || r.candidate.cancelled) continue;
      this.lastBundle.set(item.id, bundle.dir);
      const def = this.cases.get(item.id)?.caseDef;
      if (def) item.description = caseDescription(def, { result: r, stamp: bundle.stamp });
      const message = new vscode.TestMessage(new vscode.MarkdownString(caseResultMarkdown(r, bundle.dir)));
      message.contextValue = MESSAGE_CONTEXT;
      if (item.uri && item.range) message.location = new vscode.Location(item.uri, item.range);
      const duration = Math.max(r.reference.wallMs ?? 0, r.candidate.wallMs ?? 0) || wallMs;
      const outcome = outcomeOf(r);
      if (outcome === 'passed') {
        run.passed(item, duration);
        // The metrics are worth seeing on a pass too: attach them as output bound to the item.
        run.appendOutput(toCrlf(`${r.caseId}: PASS — ${r.verdict.reason}\n`), undefined, item);
      } else if (outcome === 'failed') {
        run.failed(item, message, duration);
      } else {
        run.errored(item, message, duration);
      }
      pending.delete(item);
    }
  }

}

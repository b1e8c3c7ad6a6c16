// Helpers shared by the scenarios: find the bundle a run wrote, read its metrics, read canvas pixels.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { FrameLocator, Locator, Page } from '../pw.ts';
import { pollUntil, runCommand, webview } from '../workbench.ts';
import type { ScenarioContext } from '../harness.ts';

export const SEED_CASES = [{ id: 'TC-D1', stem: 'tc_d1' }, { id: 'TC-D3', stem: 'tc_d3' }];
export const TITLE_RUN_SEED = 'Run TC-D1/TC-D3 parity';
export const TITLE_RECORD = 'Record attempt in fix_plan.md';
export const TITLE_OPEN_RESULTS = 'Open parity results';
export const TITLE_RUN_CASE = 'Run parity case…';

/** Every folder under `<workspace>/reports` that holds a metrics.json (a finished bundle). */
export function listBundleDirs(workspace: string): string[] {
  return findReportDirs(workspace, (dir) => existsSync(join(dir, 'metrics.json')));
}

/** Every folder under reports/ whose name looks like a STAMP (bundles, finished or not). */
export function listStampDirs(workspace: string): string[] {
  return findReportDirs(workspace, (_dir, name) => /^\d{8}T\d{6}/.test(name));
}

/** Folders under `<workspace>/reports` (6 levels at most) that `matches`; a match is not searched further down. */
function findReportDirs(workspace: string, matches: (dir: string, name: string) => boolean): string[] {
  const out: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (depth > 6 || !existsSync(dir)) return;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (!e.isDirectory()) continue;
      const d = join(dir, e.name);
      if (matches(d, e.name)) out.push(d); else walk(d, depth + 1);
    }
  };
  walk(join(workspace, 'reports'), 0);
  return out;
}

/** Waits for a bundle that was not there before (`before` from listBundleDirs) and returns its folder. */
export async function waitForNewBundle(workspace: string, before: string[], timeoutMs: number): Promise<string> {
  return pollUntil('a new evidence bundle (a folder with metrics.json) under reports/', async () => {
    const fresh = listBundleDirs(workspace).filter((d) => !before.includes(d));
    if (fresh.length > 1) throw new Error(`more than one new bundle: ${fresh.map((d) => relative(workspace, d)).join(', ')}`);
    return fresh[0];
  }, timeoutMs, 500);
}

export interface CaseNumbers { correlation: number | null; sumRatio: number | null; raw: unknown }

/** The bundle's metrics.json numbers for one case, reading the keys the layouts use (stem, id, or a cases list). */
export function bundleMetrics(bundleDir: string, caseId: string, stem: string): CaseNumbers {
  const json = JSON.parse(readFileSync(join(bundleDir, 'metrics.json'), 'utf8')) as Record<string, unknown>;
  let entry: Record<string, unknown> | undefined;
  const containers = [json, json.cases, json.metrics].filter((c) => c && typeof c === 'object') as Record<string, unknown>[];
  for (const c of containers) {
    if (Array.isArray(c)) {
      entry = c.find((x: Record<string, unknown>) => x.caseId === caseId || x.id === caseId || x.fileStem === stem || x.stem === stem);
    } else {
      entry = (c[stem] ?? c[caseId]) as Record<string, unknown> | undefined;
    }
    if (entry) break;
  }
  if (!entry) throw new Error(`${bundleDir}/metrics.json has no entry for ${caseId} (${stem}): ${JSON.stringify(json).slice(0, 400)}`);
  const m = (entry.metrics && typeof entry.metrics === 'object' ? entry.metrics : entry) as Record<string, unknown>;
  const num = (v: unknown) => (typeof v === 'number' ? v : v === null ? null : undefined);
  const correlation = num(m.correlation) ?? null;
  const sumRatio = num(m.sum_ratio) ?? num(m.sumRatio) ?? null;
  return { correlation, sumRatio, raw: entry };
}

export interface CanvasSample { width: number; height: number; distinct: number; hash: string; nonTransparent: number }

/** Reads a canvas's pixels in the webview (copied through a 2-D canvas so any context kind works). */
export async function sampleCanvas(canvas: Locator): Promise<CanvasSample> {
  return canvas.evaluate((c: HTMLCanvasElement) => {
    const w = c.width, h = c.height;
    const t = document.createElement('canvas');
    t.width = w; t.height = h;
    const ctx = t.getContext('2d')!;
    ctx.drawImage(c, 0, 0);
    const d = ctx.getImageData(0, 0, w, h).data;
    const colours = new Set<number>();
    let hash = 0x811c9dc5, opaque = 0;
    for (let i = 0; i < d.length; i += 4) {
      const rgba = (d[i] << 24) | (d[i + 1] << 16) | (d[i + 2] << 8) | d[i + 3];
      if (colours.size < 10_000) colours.add(rgba);
      if (d[i + 3] > 0) opaque++;
      hash = Math.imul(hash ^ rgba, 0x01000193) >>> 0;
    }
    return { width: w, height: h, distinct: colours.size, hash: hash.toString(16), nonTransparent: opaque };
  });
}

/** Runs the seed from the palette (screenshot of the palette included) and waits for a new bundle and both cases. */
export async function runSeedAndWait(ctx: ScenarioContext, opts: { timeoutMs?: number } = {}): Promise<{ bundle: string; view: FrameLocator }> {
  const { page, step, shot, workspace } = ctx;
  const before = listBundleDirs(workspace);
  await step(`palette: ${TITLE_RUN_SEED}`, async () => {
    await runCommand(page, TITLE_RUN_SEED, { beforeEnter: async () => { await shot('palette'); } });
  });
  const bundle = await step('a new bundle is written', () => waitForNewBundle(workspace, before, opts.timeoutMs ?? 180_000));
  const view = webview(page);
  await step('webview shows both cases', async () => {
    for (const c of SEED_CASES) await view.getByTestId(`case-${c.id}`).waitFor({ state: 'visible', timeout: 60_000 });
  });
  return { bundle, view };
}

export function fileNames(dir: string): string[] {
  return readdirSync(dir).filter((n) => statSync(join(dir, n)).isFile()).sort();
}

export async function pageText(page: Page): Promise<string> {
  return page.locator('body').innerText();
}

export function parseNumber(s: string | null): number {
  if (s === null) return NaN;
  return Number(s);
}

// The built webview (dist/webview.js + media/webview/styles.css) in real Chromium under the exact HTML and CSP the
// extension host serves (buildWebviewHtml). The VS Code host is replaced by a stand-in: a page script defining
// acquireVsCodeApi that records what the webview posts, and window.postMessage for what the host sends. That stand-in
// is the only fake; the webview code, the browser, the CSP, vega and the image data (a real nanoBragg C golden) are real.
// Needs Chromium and the playwright-core of the e2e tool cache (`npm run test:e2e` installs it): without them the
// test is reported as skipped with the reason, never as passed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import { buildWebviewHtml } from '../../src/extension/panel/html.ts';
import { imageMessage, previewImageMessage, type ImageMessage, type ViewModel } from '../../src/shared/messages.ts';
import { maxBin, previewBinning } from '../../src/shared/preview.ts';
import { fmtNumber } from '../../src/shared/format.ts';
import { loadChromium, type Browser, type Locator, type Page as E2ePage } from '../e2e/pw.ts';

// The e2e harness declares only what it uses of playwright's Page; this test also needs these two.
type Page = E2ePage & {
  getByTestId(id: string): Locator;
  mouse: E2ePage['mouse'] & { wheel(dx: number, dy: number): Promise<void> };
};
import { sampleViewModel } from '../helpers/viewModel.ts';
import { compareTraces } from '../../src/core/trace/index.ts';
import type { TraceRunResult } from '../../src/core/run/trace.ts';
import type { TraceView } from '../../src/shared/traceMessages.ts';
import { traceViewOf } from '../../src/extension/panel/traceView.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PW_DIR = join(ROOT, 'test/e2e/.cache/playwright/node_modules/playwright-core');
const CHROMIUM = '/usr/bin/chromium';
const N = 128;

const missing = [
  !existsSync(join(ROOT, 'dist/webview.js')) && 'dist/webview.js (run npm run build)',
  !existsSync(PW_DIR) && `${PW_DIR} (npm run test:e2e installs it)`,
  !existsSync(CHROMIUM) && `${CHROMIUM} (apt-get install chromium)`,
].filter(Boolean);

// Reference: a real C golden (cell-cubic, 128×128). Candidate: 1 % brighter with one hot pixel, like a port bug.
const reference = new Float32Array(readFileSync(join(ROOT, 'test/fixtures/webview/cell-cubic.c.bin')).buffer.slice(0));
const candidate = reference.map((v) => v * 1.01);
candidate[70 * N + 80] += 50;

function viewModel(readOnly = false): ViewModel {
  const vm = sampleViewModel();
  vm.readOnly = readOnly;
  if (readOnly) vm.readOnlyReason = 'Older bundle layout';
  const c = vm.cases[0];
  c.fpixels = N; c.spixels = N;
  c.beamCenter = { slow: 64.5, fast: 64.5 };
  c.images = [{ id: 's1/TC-D1/reference', role: 'reference', fpixels: N, spixels: N }, { id: 's1/TC-D1/candidate', role: 'candidate', fpixels: N, spixels: N }];
  vm.cases = [c];
  return vm;
}

function serve(): Promise<{ server: http.Server; url: string }> {
  const shim = `<script nonce="NONCE">window.__sent=[];window.__state=undefined;window.acquireVsCodeApi=()=>({postMessage:(m)=>window.__sent.push(m),getState:()=>window.__state,setState:(s)=>{window.__state=s}});</script>`;
  const files: Record<string, [string, string]> = {
    '/dist/webview.js': [join(ROOT, 'dist/webview.js'), 'text/javascript'],
    '/media/webview/styles.css': [join(ROOT, 'media/webview/styles.css'), 'text/css'],
  };
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/') {
      const origin = `http://${req.headers.host}`;
      const html = buildWebviewHtml({ cspSource: origin, nonce: 'NONCE', scriptUri: `${origin}/dist/webview.js`, styleUri: `${origin}/media/webview/styles.css`, title: 'test' })
        .replace('<body>', '<body class="vscode-dark">')
        .replace('<script nonce=', `${shim}<script nonce=`);
      res.setHeader('content-type', 'text/html');
      res.end(html);
      return;
    }
    const f = files[path];
    if (!f) { res.statusCode = 404; res.end(); return; }
    res.setHeader('content-type', f[1]);
    res.end(readFileSync(f[0]));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const a = server.address() as { port: number };
    resolve({ server, url: `http://127.0.0.1:${a.port}/` });
  }));
}

type Sent = { type: string; kind?: string; message?: string; markdown?: string; requestId?: number; bytes?: number[]; byteLength?: number; caseId?: string; suggestedName?: string; state?: unknown };

async function sent(page: Page): Promise<Sent[]> {
  return page.evaluate((): Sent[] => (window as unknown as { __sent: Record<string, unknown>[] }).__sent.map((m) => {
    const out: Record<string, unknown> = { ...m };
    if (m.buffer instanceof ArrayBuffer) { out.bytes = Array.from(new Uint8Array(m.buffer)); out.byteLength = m.buffer.byteLength; delete out.buffer; }
    return out as Sent;
  }));
}

async function hostSends(page: Page, vm: ViewModel, images: boolean): Promise<void> {
  await page.evaluate(({ vm, ref, cand, images }) => {
    window.postMessage({ type: 'snapshot', viewModel: vm }, '*');
    if (!images) return;
    const c = vm.cases[0];
    for (const [img, data] of [[c.images[0], ref], [c.images[1], cand]] as const) {
      const buf = Float32Array.from(data).buffer;
      window.postMessage({ type: 'image', id: img.id, caseId: c.caseId, role: img.role, fpixels: img.fpixels, spixels: img.spixels, buffer: buf }, '*', [buf]);
    }
  }, { vm, ref: Array.from(reference), cand: Array.from(candidate), images });
}

/**
 * Serves the webview HTML, opens it in headless Chromium (this machine's offline-safe flags), waits for the webview's
 * `ready` handshake, runs `body`, and always closes the browser and the server.
 */
async function withWebview(body: (p: { page: Page; pageErrors: string[] }) => Promise<void>): Promise<void> {
  const { server, url } = await serve();
  let browser: Browser | undefined;
  try {
    browser = await loadChromium(PW_DIR).launch({ executablePath: CHROMIUM, headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
    const ctx = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    const page = (await ctx.newPage()) as Page;
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(url);
    await waitFor(page, () => (window as unknown as { __sent: { type: string }[] }).__sent.some((m) => m.type === 'ready'), 'ready');
    await body({ page, pageErrors });
  } finally {
    await browser?.close();
    server.close();
  }
}

/** A real mouse drag on a canvas from image pixel (fast, slow) `from` to `to`; with Shift it is the ROI gesture. */
async function dragOn(page: Page, testId: string, from: [number, number], to: [number, number], steps: number, shift = true): Promise<void> {
  const box = (await page.getByTestId(testId).boundingBox())!;
  const at = (fast: number, slow: number) => [box.x + ((fast + 0.5) / N) * box.width, box.y + ((slow + 0.5) / N) * box.height] as const;
  const kb = page.keyboard as unknown as { down(k: string): Promise<void>; up(k: string): Promise<void> };
  const mouse = page.mouse as unknown as { move(x: number, y: number, o?: { steps?: number }): Promise<void>; down(): Promise<void>; up(): Promise<void> };
  await mouse.move(...at(...from));
  if (shift) await kb.down('Shift');
  await mouse.down();
  await mouse.move(...at(...to), { steps });
  await mouse.up();
  if (shift) await kb.up('Shift');
}

async function waitFor(page: Page, fn: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const t0 = Date.now();
  while (!(await page.evaluate(fn))) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await page.waitForTimeout(50);
  }
}

test('results webview in Chromium under the host CSP', { skip: missing.length ? `needs ${missing.join(', ')}` : false, timeout: 90_000 }, async () => {
  await withWebview(async ({ page, pageErrors }) => {

    // Handshake first (withWebview waited for it): nothing is drawn before the host answers `ready`.
    const ready = (await sent(page)).find((m) => m.type === 'ready')!;
    assert.equal((ready as { protocolVersion?: number }).protocolVersion, 1);

    await hostSends(page, viewModel(), true);
    await waitFor(page, () => document.querySelectorAll('.chart[data-state="rendered"]').length >= 4, 'four charts');

    // Numbers in the DOM: summary.md formatting, full precision in data-value.
    const corr = page.getByTestId('metric-correlation-TC-D1');
    assert.equal(await corr.textContent(), '0.999994');
    assert.equal(Number(await corr.getAttribute('data-value')), 0.9999941234);
    assert.equal(await page.getByTestId('metric-sumRatio-TC-D1').textContent(), '1.000123');
    assert.equal(await page.getByTestId('verdict-TC-D1').textContent(), 'PASS');
    assert.match(await page.getByTestId('mismatches-TC-D1').innerText(), /critical[\s\S]*warning[\s\S]*preflight/, 'critical mismatch listed first');
    for (const kind of ['hist2d', 'delta', 'radial', 'trend']) {
      assert.equal(await page.getByTestId(`chart-${kind}-TC-D1`).locator('svg').count(), 1, `${kind} chart is an SVG`);
    }

    // Canvases show pixels: the centre of each image canvas is opaque.
    const alphas = await page.evaluate(() => ['reference', 'candidate', 'diff', 'ratio'].map((k) => {
      const c = document.querySelector(`[data-testid="canvas-${k}-TC-D1"]`) as HTMLCanvasElement;
      return c.getContext('2d')!.getImageData(Math.floor(c.width / 2) + 3, Math.floor(c.height / 2) + 3, 1, 1).data[3];
    }));
    assert.deepEqual(alphas, [255, 255, 255, 255]);

    // Ratio legend: log₂, neutral ×1 in the middle, and the 0 / ∞ / NaN pixels counted as in the data we sent.
    const legendOf = (kind: string) => page.evaluate((k) => {
      const el = document.querySelector(`.panel-${k} .legend`) as HTMLElement;
      const cls = [...el.querySelectorAll('.legend-class')].map((c) => [(c as HTMLElement).dataset.class, Number((c as HTMLElement).dataset.count)]);
      return { text: el.textContent ?? '', lo: el.querySelector('.legend-lo')?.textContent, hi: el.querySelector('.legend-hi')?.textContent,
        range: (el.closest('figure') as HTMLElement).dataset.range, classes: Object.fromEntries(cls) as Record<string, number> };
    }, kind);
    const ratioLegend = await legendOf('ratio');
    assert.match(ratioLegend.text, /log₂ ratio, ×1 neutral/);
    assert.match(ratioLegend.lo ?? '', /^×1\//, `bottom is a factor below 1: ${ratioLegend.lo}`);
    assert.match(ratioLegend.hi ?? '', /^×1\.0\d/, `top ≈ the 1 % brightening: ${ratioLegend.hi}`);
    const expected = { zero: 0, inf: 0, nan: 0 };
    for (let i = 0; i < reference.length; i++) {
      const r = candidate[i] / reference[i];
      if (r === 0) expected.zero++; else if (r === Infinity) expected.inf++; else if (!(r > 0)) expected.nan++;
    }
    assert.deepEqual(ratioLegend.classes, expected);

    // Shared colour range (default): reference and candidate legends show one range; "same range" off → their own.
    let refLegend = await legendOf('reference'), candLegend = await legendOf('candidate');
    assert.equal(refLegend.range, 'shared');
    assert.deepEqual([refLegend.lo, refLegend.hi], [candLegend.lo, candLegend.hi]);
    assert.equal(await page.getByTestId('shared-range').evaluate((el: HTMLInputElement) => el.checked), true);
    await page.getByTestId('shared-range').click();
    refLegend = await legendOf('reference'); candLegend = await legendOf('candidate');
    assert.equal(refLegend.range, 'own');
    assert.notEqual(refLegend.hi, candLegend.hi, 'own ranges differ (the candidate is brighter)');
    const ownRefHi = refLegend.hi;
    await page.getByTestId('shared-range').click();
    // Lock: kept in the webview state; it wins over "same range" off (the range stays where it was locked).
    await page.getByTestId('lock-range').click();
    const lockState = await page.evaluate(() => (window as unknown as { __state: { settings: { lockedRange?: { scale: string; lo: number; hi: number } } } }).__state.settings.lockedRange);
    assert.equal(lockState?.scale, 'linear');
    const lockedHi = (await legendOf('reference')).hi;
    assert.notEqual(lockedHi, ownRefHi);
    assert.equal((await legendOf('reference')).range, 'locked');
    await page.getByTestId('shared-range').click();
    assert.equal((await legendOf('reference')).hi, lockedHi);
    assert.equal((await legendOf('candidate')).hi, lockedHi);
    await page.getByTestId('lock-range').click();
    await page.getByTestId('shared-range').click();

    if (process.env.NB_WEBVIEW_SCREENSHOT) await page.screenshot({ path: process.env.NB_WEBVIEW_SCREENSHOT, fullPage: true });

    // Hover: the readout names the pixel and its values, and Δ matches the data we sent.
    const box = (await page.getByTestId('canvas-candidate-TC-D1').boundingBox())!;
    await page.mouse.move(box.x + (80.5 / N) * box.width, box.y + (70.5 / N) * box.height);
    const readout = page.getByTestId('hover-readout');
    await waitFor(page, () => (document.querySelector('[data-testid="hover-readout"]') as HTMLElement).dataset.slow === '70', 'hover readout');
    const text = await readout.textContent();
    assert.match(text ?? '', /TC-D1 \(slow 70, fast 80\)/);
    const delta = candidate[70 * N + 80] - reference[70 * N + 80];
    assert.ok(text?.includes(`Δ ${Number(delta.toPrecision(4))}`), `readout ${text} shows Δ ≈ ${delta}`);

    // Linked zoom: a wheel on one canvas changes the persisted transform shared by all canvases.
    await page.mouse.wheel(0, -300);
    await page.waitForTimeout(100);
    const state = await page.evaluate(() => (window as unknown as { __state: { settings: { zoom: number }; bundleDir: string } }).__state);
    assert.ok(state.settings.zoom > 1, `zoom persisted: ${state.settings.zoom}`);
    assert.equal(state.bundleDir, viewModel().bundleDir);

    // Scale toggle: log, pressed, persisted.
    await page.getByTestId('scale-toggle').click();
    assert.equal(await page.getByTestId('scale-toggle').getAttribute('aria-pressed'), 'true');
    assert.equal(await page.evaluate(() => (window as unknown as { __state: { settings: { scale: string } } }).__state.settings.scale), 'log');

    // Keyboard: focus the reference image, pan with an arrow key → the readout follows the centre pixel.
    await page.getByTestId('canvas-reference-TC-D1').click();
    await page.keyboard.press('ArrowRight');
    assert.match((await readout.textContent()) ?? '', /TC-D1 \(slow \d+, fast \d+\)/);

    // Actions: markdown built in the webview; PNG bytes encoded in the webview; answered by request id.
    await page.getByTestId('btn-copy-md').click();
    await page.getByTestId('btn-export-png').click();
    await waitFor(page, () => (window as unknown as { __sent: { type: string }[] }).__sent.some((m) => m.type === 'exportPng'), 'exportPng');
    const all = await sent(page);
    const md = all.find((m) => m.type === 'copyMetricsMarkdown')!;
    assert.match(md.markdown ?? '', /\| TC-D1 \| c → torch \| ✅ pass \| 0\.999994 ✓ \| 1\.000123 ✓ \|/);
    const png = all.find((m) => m.type === 'exportPng')!;
    assert.equal(png.suggestedName, 'parity_20251110T120000Z.png');
    const decoded = PNG.sync.read(Buffer.from(png.bytes!));
    assert.ok(decoded.width >= 4 * 256 && decoded.height > 256, `composite ${decoded.width}×${decoded.height}`);
    // NB_WEBVIEW_EXPORT_PNG=<file> keeps the exported composite for a look (how docs pictures are checked).
    if (process.env.NB_WEBVIEW_EXPORT_PNG) writeFileSync(process.env.NB_WEBVIEW_EXPORT_PNG, Buffer.from(png.bytes!));
    assert.equal(await page.getByTestId('btn-export-png').evaluate((b: HTMLButtonElement) => b.disabled), true, 'busy until the host answers');
    await page.evaluate((id) => window.postMessage({ type: 'response', requestId: id, ok: true, message: 'Saved /tmp/x.png' }, '*'), png.requestId);
    await waitFor(page, () => !(document.querySelector('[data-testid="btn-export-png"]') as HTMLButtonElement).disabled, 'export button re-enabled');
    assert.equal(await page.getByTestId('status').textContent(), 'Saved /tmp/x.png');

    // A wrong-size image is refused and reported to the host, not drawn.
    await page.evaluate(() => window.postMessage({ type: 'image', id: 's1/TC-D1/reference', caseId: 'TC-D1', role: 'reference', fpixels: 128, spixels: 128, buffer: new ArrayBuffer(100) }, '*'));
    await waitFor(page, () => (window as unknown as { __sent: { type: string; kind?: string }[] }).__sent.some((m) => m.type === 'error' && m.kind === 'protocol'), 'protocol error report');

    // An old bundle: read-only banner, no Re-run / Record.
    assert.equal(await page.getByTestId('btn-rerun').isVisible(), true);
    await hostSends(page, viewModel(true), false);
    await waitFor(page, () => !(document.querySelector('[data-testid="readonly-banner"]') as HTMLElement).hidden, 'read-only banner');
    assert.equal(await page.getByTestId('btn-rerun').isVisible(), false);
    assert.equal(await page.getByTestId('btn-record').isVisible(), false);
    assert.equal(await page.getByTestId('btn-open-folder').isVisible(), true);

    // An older bundle with no image files: a plain "no images in this bundle", not "waiting for images…" forever.
    const noImages = viewModel(true);
    noImages.cases[0].images = [];
    await hostSends(page, noImages, false);
    await waitFor(page, () => document.querySelector('.panel-reference .panel-status')?.textContent === 'no images in this bundle', 'no-images status');
    assert.equal(await page.evaluate(() => document.querySelector('.panel-candidate .panel-status')?.textContent), 'no images in this bundle');
    assert.equal(await page.getByTestId('chart-hist2d-TC-D1').textContent(), 'no images in this bundle');
    assert.doesNotMatch(await page.evaluate(() => document.body.textContent ?? ''), /waiting for image/);

    const errors = (await sent(page)).filter((m) => m.type === 'error' && m.kind !== 'protocol');
    assert.deepEqual(errors, [], 'no CSP, script, render or chart errors');
    assert.deepEqual(pageErrors, []);
  });
});

// A large detector: 2048² (a 16×16 tiling of the same real golden, each tile scaled differently). The test plays the
// host with the host's own message builders (previewImageMessage / imageMessage over maxBin), so what reaches the
// page is byte for byte what the extension would post.
const BIG = 2048;
function bigImages(): { ref: Float32Array; cand: Float32Array } {
  const ref = new Float32Array(BIG * BIG);
  for (let s = 0; s < BIG; s++) for (let f = 0; f < BIG; f++) {
    ref[s * BIG + f] = reference[(s % N) * N + (f % N)] * (1 + 0.01 * (Math.floor(s / N) + Math.floor(f / N)));
  }
  const cand = ref.map((v) => v * 1.01);
  return { ref, cand };
}

/** Wait until the element of `testid` has this text (or, with `level`, this data-level). No eval: the CSP forbids it. */
type Until = { testid: string; text?: string; level?: string }[];

/** Post image messages in the page; resolves with the ms from posting until every `until` condition holds. */
async function postImages(page: Page, msgs: ImageMessage[], until: Until): Promise<number> {
  const wire = msgs.map((m) => ({ ...m, buffer: Buffer.from(m.buffer).toString('base64') }));
  return page.evaluate(async ({ wire, until }) => {
    const decoded = wire.map((m) => {
      const bin = atob(m.buffer);
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      return { ...m, buffer: bytes.buffer };
    });
    const t0 = performance.now();
    for (const m of decoded) window.postMessage(m, '*', [m.buffer]);
    // (No named local functions in here: tsx's keepNames would reference a __name helper the page lacks.)
    while (!until.every((u) => {
      const el = document.querySelector(`[data-testid="${u.testid}"]`) as HTMLElement | null;
      return !!el && (u.text === undefined || el.textContent === u.text) && (u.level === undefined || el.dataset.level === u.level);
    })) await new Promise((r) => setTimeout(r, 5));
    return performance.now() - t0;
  }, { wire, until });
}

test('results webview: a 2048² image arrives as a preview, hovering fetches the full image once, then exact values', { skip: missing.length ? `needs ${missing.join(', ')}` : false, timeout: 120_000 }, async () => {
  const { ref, cand } = bigImages();
  const k = previewBinning(BIG, BIG);
  assert.equal(k, 2);
  const vm = viewModel();
  const c = vm.cases[0];
  c.fpixels = BIG; c.spixels = BIG;
  c.beamCenter = { slow: 1023.5, fast: 1023.5 };
  c.images = [{ id: 's1/TC-D1/reference', role: 'reference', fpixels: BIG, spixels: BIG }, { id: 's1/TC-D1/candidate', role: 'candidate', fpixels: BIG, spixels: BIG }];
  const refs = c.images.map((r) => ({ ...r, caseId: c.caseId }));
  const previews = [previewImageMessage(refs[0], maxBin(ref, BIG, BIG, k), k), previewImageMessage(refs[1], maxBin(cand, BIG, BIG, k), k)];
  assert.equal(previews[0].buffer.byteLength, 1024 * 1024 * 4, 'the preview is a quarter of the pixels, exact size');

  await withWebview(async ({ page, pageErrors }) => {
    await page.evaluate((vm) => window.postMessage({ type: 'snapshot', viewModel: vm }, '*'), vm);
    await waitFor(page, () => !!document.querySelector('[data-testid="canvas-reference-TC-D1"]'), 'case rendered');

    // 1. Previews first: all four canvases are drawn, labelled as previews, and nothing asks for the full image yet.
    const previewMs = await postImages(page, previews, [{ testid: 'level-diff-TC-D1', text: '(preview: max of 2×2)' }]);
    for (const kind of ['reference', 'candidate', 'diff', 'ratio']) {
      assert.equal(await page.getByTestId(`level-${kind}-TC-D1`).textContent(), '(preview: max of 2×2)', `${kind} labelled as preview`);
    }
    const alphas = await page.evaluate(() => ['reference', 'candidate', 'diff', 'ratio'].map((kind) => {
      const cv = document.querySelector(`[data-testid="canvas-${kind}-TC-D1"]`) as HTMLCanvasElement;
      return cv.getContext('2d')!.getImageData(Math.floor(cv.width / 2) + 3, Math.floor(cv.height / 2) + 3, 1, 1).data[3];
    }));
    assert.deepEqual(alphas, [255, 255, 255, 255], 'preview drawn on every canvas');
    // Drawn over the full geometry: the canvas keeps the 1:1 aspect ratio of the 2048² detector.
    const box = (await page.getByTestId('canvas-candidate-TC-D1').boundingBox())!;
    assert.ok(Math.abs(box.width - box.height) <= 1, `canvas ${box.width}×${box.height}`);
    await waitFor(page, () => document.querySelectorAll('.chart[data-state="rendered"]').length >= 4, 'charts from the preview');
    assert.equal(await page.getByTestId('chart-note-TC-D1').isVisible(), true, 'charts say they come from the preview');
    const fullRequests = async () => (await sent(page)).filter((m) => m.type === 'requestFullImage') as (Sent & { role?: string })[];
    assert.deepEqual(await fullRequests(), [], 'no full image asked for before hover or zoom');

    // 2. Hover: the readout shows the preview bin's max, and the full images are asked for, once per role.
    await page.mouse.move(box.x + (1500.5 / BIG) * box.width, box.y + (1000.5 / BIG) * box.height);
    await waitFor(page, () => (document.querySelector('[data-testid="hover-readout"]') as HTMLElement).dataset.level === 'preview', 'preview readout');
    const readout = page.getByTestId('hover-readout');
    const at = async () => {
      const d = await readout.evaluate((el: HTMLElement) => ({ slow: Number(el.dataset.slow), fast: Number(el.dataset.fast) }));
      return d;
    };
    const p1 = await at();
    const bin = (img: Float32Array, s: number, f: number) => maxBin(Float32Array.from([img[s * BIG + f], img[s * BIG + f + 1], img[(s + 1) * BIG + f], img[(s + 1) * BIG + f + 1]]), 2, 2, 2)[0];
    const s0 = p1.slow - (p1.slow % 2), f0 = p1.fast - (p1.fast % 2);
    const previewText = (await readout.textContent()) ?? '';
    assert.match(previewText, new RegExp(`TC-D1 \\(slow ${p1.slow}, fast ${p1.fast}\\).*preview: max of 2×2`));
    assert.ok(previewText.includes(`reference ${fmtNumber(bin(ref, s0, f0))}`), `preview readout ${previewText} shows the bin max of the reference`);
    assert.ok(previewText.includes(`candidate ${fmtNumber(bin(cand, s0, f0))}`), `preview readout ${previewText} shows the bin max of the candidate`);
    await waitFor(page, () => (window as unknown as { __sent: { type: string }[] }).__sent.filter((m) => m.type === 'requestFullImage').length >= 2, 'full-image requests');
    await page.mouse.move(box.x + box.width / 3, box.y + box.height / 3);
    await page.waitForTimeout(100);
    const asked = await fullRequests();
    assert.deepEqual(asked.map((m) => `${m.caseId}/${m.role}`).sort(), ['TC-D1/candidate', 'TC-D1/reference'], 'asked once per role, not per mouse move');

    // 3. The host answers with the full images: the readout turns exact at the hovered pixel, labels and chart note go.
    await page.mouse.move(box.x + (1500.5 / BIG) * box.width, box.y + (1000.5 / BIG) * box.height);
    await waitFor(page, () => !!(document.querySelector('[data-testid="hover-readout"]') as HTMLElement).dataset.slow, 'hover again');
    const fullMs = await postImages(page, [imageMessage(refs[0], ref), imageMessage(refs[1], cand)],
      [{ testid: 'hover-readout', level: 'exact' }, { testid: 'level-diff-TC-D1', text: '' }]);
    await page.evaluate((ids) => { for (const id of ids) window.postMessage({ type: 'response', requestId: id, ok: true }, '*'); }, asked.map((m) => m.requestId!));
    const p2 = await at();
    const exactText = (await readout.textContent()) ?? '';
    assert.doesNotMatch(exactText, /preview/);
    const i = p2.slow * BIG + p2.fast;
    assert.ok(exactText.includes(`reference ${fmtNumber(ref[i])}`), `exact readout ${exactText} shows reference[${p2.slow}, ${p2.fast}] = ${ref[i]}`);
    assert.ok(exactText.includes(`Δ ${fmtNumber(cand[i] - ref[i])}`), `exact readout ${exactText} shows Δ`);
    for (const kind of ['reference', 'candidate', 'diff', 'ratio']) assert.equal(await page.getByTestId(`level-${kind}-TC-D1`).textContent(), '');
    await waitFor(page, () => (document.querySelector('[data-testid="chart-note-TC-D1"]') as HTMLElement).hidden, 'charts redrawn from the full image');
    assert.equal((await fullRequests()).length, 2, 'no further requests once the full images are held');
    assert.equal(await page.getByTestId('status').textContent(), '', 'background requests leave the status line alone');

    // A late preview (a resend) never replaces the exact pixels.
    await postImages(page, [previews[0]], []);
    await page.waitForTimeout(50);
    assert.equal(await page.getByTestId('level-reference-TC-D1').textContent(), '');

    const errors = (await sent(page)).filter((m) => m.type === 'error');
    assert.deepEqual(errors, [], 'no CSP, script, render, chart or protocol errors');
    assert.deepEqual(pageErrors, []);
    console.log(`# 2048² in Chromium: previews (2 × 4 MiB) posted → 4 canvases drawn in ${previewMs.toFixed(0)} ms; full images (2 × 16 MiB) posted → exact readout and redraw in ${fullMs.toFixed(0)} ms`);
  });
});

// The pixel trace: a click on a pixel asks the host to trace it; the host's traceResult (here a REAL comparison of the
// seed's tc_d3_seed C / PyTorch traces, built with the host's own traceViewOf) becomes the table.
function realTraceView(): TraceView {
  const dir = join(ROOT, 'test/fixtures/traces');
  const img = (f: string) => ({ image: new Float32Array(readFileSync(join(dir, f)).buffer.slice(0)), fpixels: 256 });
  const diff = compareTraces(readFileSync(join(dir, 'tc_d3_seed.c.trace.log'), 'utf8'), readFileSync(join(dir, 'tc_d3_seed.py.trace.log'), 'utf8'),
    { case: 'TC-D1', referenceImage: img('tc_d3_seed.c.bin'), candidateImage: img('tc_d3_seed.py.bin') });
  const files = { reference: 'trace_c_tc_d3_s129_f129.log', candidate: 'trace_py_tc_d3_s129_f129.log', diff: 'trace_diff_tc_d3_s129_f129.json', markdown: 'first_divergence.md' };
  return traceViewOf({
    diff, bundleDir: '/b', freshBundle: false, pixel: diff.pixel, pixelSource: '--pixel 129,129',
    record: { case: 'TC-D1', fileStem: 'tc_d1', pixel: diff.pixel, pixelSource: '', verdict: diff.verdict, firstDivergence: diff.firstDivergence, text: diff.text, reference: 'C', candidate: 'PyTorch', candidateDtype: 'float32', createdAt: '', files },
    runs: {} as TraceRunResult['runs'], timing: { bundleMs: 0, traceMs: 0, compareMs: 0, fileMs: 0, totalMs: 800 },
  });
}

test('results webview: click a pixel → trace request; the trace table highlights and scrolls to the first divergence', { skip: missing.length ? `needs ${missing.join(', ')}` : false, timeout: 90_000 }, async () => {
  const view = realTraceView();
  await withWebview(async ({ page, pageErrors }) => {
    await hostSends(page, viewModel(), true);
    await waitFor(page, () => !!document.querySelector('[data-testid="canvas-candidate-TC-D1"]'), 'case rendered');
    // A click (no drag) on pixel (70, 80) of the candidate asks the host to trace exactly that pixel.
    const box = (await page.getByTestId('canvas-candidate-TC-D1').boundingBox())!;
    await page.mouse.click(box.x + (80.5 / N) * box.width, box.y + (70.5 / N) * box.height);
    await waitFor(page, () => (window as unknown as { __sent: { type: string }[] }).__sent.some((m) => m.type === 'trace'), 'trace request');
    const req = (await sent(page)).find((m) => m.type === 'trace') as Sent & { pixel?: unknown };
    assert.equal(req.caseId, 'TC-D1');
    assert.deepEqual(req.pixel, { slow: 70, fast: 80 });
    assert.equal(await page.getByTestId('btn-trace-cancel').isVisible(), true, 'cancellable while it runs');
    assert.match((await page.getByTestId('trace-state').textContent()) ?? '', /Tracing TC-D1 at pixel \(70, 80\)/);

    // The host answers: the table, the first divergence highlighted and in view, artefacts dimmed with their reason.
    await page.evaluate((v) => window.postMessage({ type: 'traceResult', view: v }, '*'), view);
    await page.evaluate((id) => window.postMessage({ type: 'response', requestId: id, ok: true, message: 'done' }, '*'), req.requestId);
    await waitFor(page, () => !!document.querySelector('[data-testid="trace-table"]'), 'trace table');
    assert.equal(await page.getByTestId('trace-verdict').getAttribute('data-verdict'), 'differ');
    assert.match((await page.getByTestId('trace-verdict').textContent()) ?? '', /first divergence `F_latt_a` 1 vs 5/);
    const first = page.getByTestId('trace-row-F_latt_a');
    assert.match((await first.getAttribute('class')) ?? '', /trace-first/);
    assert.equal(await first.getAttribute('aria-current'), 'true');
    const inView = await first.evaluate((el: HTMLElement) => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.bottom <= window.innerHeight; });
    assert.ok(inView, 'scrolled to the first divergence');
    const rot = page.getByTestId('trace-row-rot_a_angstroms');
    assert.match((await rot.getAttribute('class')) ?? '', /trace-artefact/);
    assert.match((await rot.getAttribute('title')) ?? '', /artefact: .*metres/);
    assert.equal(await page.locator('tbody[data-group="Pixel"]').count(), 1);
    assert.equal(await page.getByTestId('btn-trace-cancel').isVisible(), false, 'no cancel once answered');
    // The max-|Δ| pixel is one click away.
    await page.getByTestId('btn-trace-max').click();
    await waitFor(page, () => (window as unknown as { __sent: { type: string }[] }).__sent.filter((m) => m.type === 'trace').length >= 2, 'second trace request');
    const second = (await sent(page)).filter((m) => m.type === 'trace')[1] as Sent & { pixel?: unknown };
    assert.equal(second.pixel, 'max-delta');
    await page.getByTestId('btn-trace-cancel').click();
    await waitFor(page, () => (window as unknown as { __sent: { type: string }[] }).__sent.some((m) => m.type === 'traceCancel'), 'cancel sent');
    assert.deepEqual((await sent(page)).filter((m) => m.type === 'error'), []);
    assert.deepEqual(pageErrors, []);
  });
});

test('results webview: Shift+drag draws an ROI and shows its metrics (the shared code\'s numbers) next to the full frame; plain drag still pans', { skip: missing.length ? `needs ${missing.join(', ')}` : false, timeout: 90_000 }, async () => {
  const { computeRegionMetrics } = await import('../../src/shared/pairMetrics.ts');
  await withWebview(async ({ page, pageErrors }) => {
    await hostSends(page, viewModel(), true);
    await waitFor(page, () => document.querySelectorAll('[data-testid^="canvas-"]').length >= 4, 'canvases');
    await dragOn(page, 'canvas-candidate-TC-D1', [60, 50], [90, 80], 8);
    await waitFor(page, () => !(document.querySelector('.roi-readout') as HTMLElement).hidden, 'ROI readout');
    const title = await page.locator('.roi-title').textContent();
    assert.match(title ?? '', /ROI fast 60…90, slow 50…80/);
    const want = computeRegionMetrics(reference, candidate, N, { x0: 60, x1: 90, y0: 50, y1: 80 });
    const { fmtFixed } = await import('../../src/shared/format.ts');
    assert.equal(await page.locator('.roi-table tr[data-metric="corr"] .roi-value').textContent(), fmtFixed(want.correlation), 'ROI corr equals the shared code on the same slice');
    assert.equal(await page.locator('.roi-table tr[data-metric="finite"] .roi-value').textContent(), `${want.finitePixels} / ${want.pixels}`);
    assert.equal(await page.locator('.roi-box').count(), 4, 'the box is drawn on every linked panel');
    const ms = Number(await page.locator('.roi-readout').getAttribute('data-ms'));
    console.log(`ROI metrics update in the browser (${N}² image, 31×31 region): ${ms} ms`);
    const shot = join((await import('node:os')).tmpdir(), 'nb-parity-webview-roi.png');
    await (page as unknown as { screenshot(o: { path: string; fullPage: boolean }): Promise<unknown> }).screenshot({ path: shot, fullPage: true });
    console.log(`ROI screenshot: ${shot}`);
    // A plain drag pans (the region stays as drawn).
    await dragOn(page, 'canvas-candidate-TC-D1', [40, 40], [20, 30], 4, false);
    assert.equal(await page.locator('.roi-title').textContent(), title, 'a plain drag does not redraw the ROI');
    assert.deepEqual(pageErrors, []);
  });
});

test('results webview: the History button asks the host, the rows it gets are a table newest first with a chart, a row click opens that bundle, Compare asks for the linked view', { skip: missing.length ? `needs ${missing.join(', ')}` : false, timeout: 90_000 }, async () => {
  await withWebview(async ({ page, pageErrors }) => {
    const vm = viewModel();
    await hostSends(page, vm, false);
    await page.getByTestId('btn-history-TC-D1').click();
    await waitFor(page, () => (window as unknown as { __sent: { type: string }[] }).__sent.some((m) => m.type === 'showHistory'), 'showHistory request');
    const ask = (await sent(page)).find((m) => m.type === 'showHistory')!;
    assert.equal(ask.caseId, 'TC-D1');
    const row = (stamp: string, corr: number, verdict: string) => ({ bundleDir: `/ws/reports/x/y/${stamp}`, stamp, time: '', verdict, correlation: corr, sumRatio: 1, maxAbsDiff: 0.1, engines: 'PyTorch vs C', gitCommit: 'abcdef123456' });
    await page.evaluate((rows) => window.postMessage({ type: 'history', caseId: 'TC-D1', rows }, '*'), [row('20261202T090000Z', 0.9999, 'pass'), row('20261201T090000Z', 0.72, 'fail')]);
    await waitFor(page, () => document.querySelectorAll('[data-testid="history-TC-D1"] tr.history-row').length === 2, 'history rows');
    const texts = await page.evaluate(() => [...document.querySelectorAll('[data-testid="history-TC-D1"] tr.history-row')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent).join(' | ')));
    assert.match(texts[0] ?? '', /^PASS \| 20261202T090000Z \| 0\.999900 \| .* \| PyTorch vs C \| abcdef123456/);
    assert.match(texts[1] ?? '', /^FAIL \| 20261201T090000Z \| 0\.720000/);
    // The chart over time is drawn by vega under the webview CSP.
    await waitFor(page, () => document.querySelector('[data-testid="history-chart-TC-D1"]')?.getAttribute('data-state') === 'rendered', 'history chart');
    // A row's Compare asks for the linked compare view of that bundle and the one shown.
    await page.getByTestId('history-compare-20261201T090000Z').click();
    await waitFor(page, () => (window as unknown as { __sent: { type: string }[] }).__sent.some((m) => m.type === 'openCompare'), 'openCompare request');
    const cmp = (await sent(page)).find((m) => m.type === 'openCompare') as unknown as { bundleA: string; bundleB: string; caseId: string };
    assert.deepEqual([cmp.bundleA, cmp.caseId], ['/ws/reports/x/y/20261201T090000Z', 'TC-D1']);
    await page.locator('[data-testid="history-TC-D1"] tr.history-row').nth(1).locator('td').nth(2).click();
    await waitFor(page, () => (window as unknown as { __sent: { type: string }[] }).__sent.some((m) => m.type === 'openBundle'), 'openBundle request');
    const open = (await sent(page)).find((m) => m.type === 'openBundle') as unknown as { bundleDir: string };
    assert.equal(open.bundleDir, '/ws/reports/x/y/20261201T090000Z');
    assert.deepEqual(pageErrors, []);
  });
});

test('results webview: a compare view links zoom/pan and the colour range across its cases; peak markers toggle', { skip: missing.length ? `needs ${missing.join(', ')}` : false, timeout: 90_000 }, async () => {
  await withWebview(async ({ page, pageErrors }) => {
    const vm = viewModel(true);
    const x = vm.cases[0];
    const y = { ...x, caseId: 'Y', images: x.images.map((i) => ({ ...i, id: `Y/${i.role}` })), sides: { reference: 'A candidate', candidate: 'B candidate', diff: 'Δ between bundles = B − A', badge: 'MOVED', group: 'own' as const } };
    x.sides = { reference: 'A reference', candidate: 'A candidate', diff: 'A: Δ', group: 'own' };
    vm.cases = [x, y];
    vm.compare = { caseId: 'TC-D1', caseIdB: 'TC-D1', a: { dir: '/a', stamp: 'SA', label: 'A', verdict: 'fail' }, b: { dir: '/b', stamp: 'SB', label: 'B', verdict: 'pass' }, judgement: 'better: fail → pass', moved: 'candidate moved' };
    await page.evaluate(({ vm, ref, cand }) => {
      window.postMessage({ type: 'snapshot', viewModel: vm }, '*');
      // Case Y's candidate is 10× brighter: on its own its range would end 10× higher than case X's.
      const imgs: [number, string, number[]][] = [[0, 'reference', ref], [0, 'candidate', cand], [1, 'reference', ref], [1, 'candidate', cand.map((v) => v * 10)]];
      for (const [ci, role, data] of imgs) {
        const c = vm.cases[ci];
        const img = c.images.find((i) => i.role === role)!;
        const buf = Float32Array.from(data).buffer;
        window.postMessage({ type: 'image', id: img.id, caseId: c.caseId, role, fpixels: img.fpixels, spixels: img.spixels, buffer: buf }, '*', [buf]);
      }
    }, { vm, ref: Array.from(reference), cand: Array.from(candidate) });
    await page.getByTestId('compare-header').waitFor({ state: 'visible', timeout: 10_000 });
    assert.match(await page.getByTestId('compare-judgement').innerText(), /better: fail → pass/);
    assert.equal(await page.getByTestId('verdict-Y').innerText(), 'MOVED');
    assert.equal(await page.getByTestId('caption-diff-Y').innerText(), 'Δ between bundles = B − A');
    assert.equal(await page.getByTestId('btn-history-Y').count(), 0, 'no per-case actions in a compare view');
    const his = (id: string) => page.evaluate((id) => document.querySelector(`[data-testid="case-${id}"] .panel-reference .legend-hi`)?.textContent ?? '', id);
    await waitFor(page, () => !!document.querySelector('[data-testid="case-Y"] .panel-candidate .legend-hi')?.textContent, 'legends');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await his(x.caseId), await his('Y'), 'one colour range for every case of the compare view');
    // Y's Δ is ~10× X's: shared, both Δ legends end at Y's.
    const dhi = (id: string) => page.evaluate((id) => document.querySelector(`[data-testid="case-${id}"] .panel-diff .legend-hi`)?.textContent ?? '', id);
    assert.equal(await dhi(x.caseId), await dhi('Y'), 'one Δ range for both bundles\' own Δ panels');
    const yHash = () => page.evaluate(() => { const c = document.querySelector('[data-testid="canvas-candidate-Y"]') as HTMLCanvasElement; return c.toDataURL(); });
    const before = await yHash();
    await page.getByRole('button', { name: `Zoom in on ${x.caseId}`, exact: true }).click();
    await waitFor(page, () => true, 'tick');
    assert.notEqual(await yHash(), before, 'zooming case X redraws case Y (linked)');
    // Peaks: a matched and an unmatched peak; markers only while the toggle is on.
    await page.evaluate((caseId) => window.postMessage({ type: 'peaks', caseId, reference: [{ slow: 64, fast: 64, matched: true }, { slow: 10, fast: 10, matched: false }], candidate: [{ slow: 64, fast: 65, matched: true }], matchedCount: 1, meanDistance: 1, maxDistance: 1 }, '*'), x.caseId);
    const refHash = () => page.evaluate((id) => (document.querySelector(`[data-testid="canvas-reference-${id}"]`) as HTMLCanvasElement).toDataURL(), x.caseId);
    const plain = await refHash();
    await page.getByTestId('peaks-toggle').click();
    await page.getByTestId(`peaks-${x.caseId}`).waitFor({ state: 'visible', timeout: 5000 });
    assert.match(await page.getByTestId(`peaks-${x.caseId}`).innerText(), /Peaks: 1\/2 matched .* unmatched 1 reference/);
    assert.notEqual(await refHash(), plain, 'markers drawn on the reference canvas');
    await page.getByTestId('peaks-toggle').click();
    assert.equal(await refHash(), plain, 'markers gone when toggled off');
    assert.deepEqual(pageErrors, []);
  });
});

test('results webview: "Run with this fix" posts runWhatIf with the suggestion\'s flags, waits for the answer; off with the host\'s reason; a what-if bundle shows Record disabled with why', { skip: missing.length ? `needs ${missing.join(', ')}` : false, timeout: 90_000 }, async () => {
  await withWebview(async ({ page, pageErrors }) => {
    const vm = viewModel();
    vm.cases[0].suggestions = [
      { flags: ['-N', '1'], why: 'Config diff: nCells is 1×1×1 on the reference, 5×5×5 on the candidate.', from: ['config-diff', 'preflight'] },
      { flags: ['-N', '5'], why: 'Config diff: the candidate\'s value.', from: ['config-diff'] },
    ];
    vm.actions = { whatIf: true };
    await hostSends(page, vm, false);
    const btn = page.getByTestId('btn-whatif-TC-D1-0');
    await btn.waitFor({ state: 'visible', timeout: 10_000 });
    assert.match(await page.getByTestId('suggestion-TC-D1-0').innerText(), /-N 1[\s\S]*nCells is 1×1×1/);
    await btn.click();
    await waitFor(page, () => (window as unknown as { __sent: { type: string }[] }).__sent.some((m) => m.type === 'runWhatIf'), 'runWhatIf request');
    const ask = (await sent(page)).find((m) => m.type === 'runWhatIf') as unknown as { requestId: number; bundleDir: string; caseId: string; flags: string[]; reason: string };
    assert.deepEqual([ask.bundleDir, ask.caseId, ask.flags], [vm.bundleDir, 'TC-D1', ['-N', '1']]);
    assert.match(ask.reason, /nCells is 1×1×1/);
    assert.equal(await btn.isDisabled(), true, 'disabled while the what-if runs');
    await page.evaluate((id) => window.postMessage({ type: 'response', requestId: id, ok: true, message: 'What-if TC-D1~whatif (-N 1 on both sides): fail → pass' }, '*'), ask.requestId);
    await waitFor(page, () => /fail → pass/.test(document.querySelector('[data-testid="status"]')?.textContent ?? ''), 'the answer in the status line');
    assert.equal(await btn.isDisabled(), false);
    // The host says it cannot run one here: every button off, the reason on it.
    await hostSends(page, { ...vm, actions: { whatIf: false }, actionReasons: { whatIf: 'the bundle is outside the open workspace folders' } }, false);
    await waitFor(page, () => (document.querySelector('[data-testid="btn-whatif-TC-D1-1"]') as HTMLButtonElement | null)?.disabled === true, 'disabled buttons');
    assert.match(await page.getByTestId('btn-whatif-TC-D1-1').getAttribute('title') ?? '', /outside the open workspace folders/);
    // A what-if bundle: no suggestions, Record shown but disabled with the reason, the notice says what was tried.
    const w = viewModel();
    w.whatIf = { flags: ['-N', '1'], of: ['TC-D1'] };
    w.actions = { recordAttempt: false, whatIf: false };
    w.actionReasons = { recordAttempt: 'a what-if is never recorded as the case itself' };
    w.notice = 'What-if run (-N 1 on both sides of TC-D1). Record is off.';
    await hostSends(page, w, false);
    await waitFor(page, () => !document.querySelector('[data-testid="suggestions-TC-D1"]'), 'suggestions gone');
    const rec = page.getByTestId('btn-record');
    assert.equal(await rec.isVisible(), true);
    assert.equal(await rec.isDisabled(), true);
    assert.match(await rec.getAttribute('title') ?? '', /Record is off: a what-if is never recorded as the case itself/);
    assert.match(await page.getByTestId('notice').innerText(), /What-if run \(-N 1 on both sides of TC-D1\)/);
    assert.equal((await sent(page)).filter((m) => m.type === 'recordAttempt').length, 0);
    assert.deepEqual(pageErrors, []);
  });
});

test('results webview: in a compare view a region drawn on one row is boxed on every row and one table lists every row\'s ROI metrics', { skip: missing.length ? `needs ${missing.join(', ')}` : false, timeout: 90_000 }, async () => {
  const { computeRegionMetrics } = await import('../../src/shared/pairMetrics.ts');
  const { fmtFixed } = await import('../../src/shared/format.ts');
  await withWebview(async ({ page, pageErrors }) => {
    const vm = viewModel(true);
    const x = vm.cases[0];
    x.sides = { reference: 'A reference', candidate: 'A candidate', diff: 'A: Δ', group: 'own' };
    const y = { ...x, caseId: 'Y', images: x.images.map((i) => ({ ...i, id: `Y/${i.role}` })), sides: { reference: 'A candidate', candidate: 'B candidate', diff: 'Δ between bundles = B − A', badge: 'MOVED', group: 'between' as const } };
    vm.cases = [x, y];
    vm.compare = { caseId: 'TC-D1', caseIdB: 'TC-D1', a: { dir: '/a', stamp: 'SA', label: 'A', verdict: 'fail' }, b: { dir: '/b', stamp: 'SB', label: 'B', verdict: 'pass' }, judgement: 'better', moved: 'candidate moved' };
    const yCand = Array.from(candidate, (v) => v * 2);
    await page.evaluate(({ vm, ref, cand, yCand }) => {
      window.postMessage({ type: 'snapshot', viewModel: vm }, '*');
      const imgs: [number, string, number[]][] = [[0, 'reference', ref], [0, 'candidate', cand], [1, 'reference', cand], [1, 'candidate', yCand]];
      for (const [ci, role, data] of imgs) {
        const c = vm.cases[ci];
        const img = c.images.find((i) => i.role === role)!;
        const buf = Float32Array.from(data).buffer;
        window.postMessage({ type: 'image', id: img.id, caseId: c.caseId, role, fpixels: img.fpixels, spixels: img.spixels, buffer: buf }, '*', [buf]);
      }
    }, { vm, ref: Array.from(reference), cand: Array.from(candidate), yCand });
    await waitFor(page, () => document.querySelectorAll('[data-testid^="canvas-"]').length >= 8, 'canvases');
    await page.getByTestId(`canvas-candidate-${x.caseId}`).scrollIntoViewIfNeeded();
    await dragOn(page, `canvas-candidate-${x.caseId}`, [60, 50], [90, 80], 6);
    await waitFor(page, () => [...document.querySelectorAll('[data-testid="compare-roi"] tbody tr')].filter((r) => r.getAttribute('data-ready') === 'true').length === 2, 'both rows in the ROI table');
    assert.match(await page.getByTestId('compare-roi').locator('.roi-title').innerText(), /--roi 60,90,50,80/);
    const rect = { x0: 60, x1: 90, y0: 50, y1: 80 };
    const corr = (id: string) => page.locator(`[data-testid="compare-roi-row-${id}"] td[data-metric="corr"]`).innerText();
    assert.match(await corr(x.caseId), new RegExp(`^${fmtFixed(computeRegionMetrics(reference, candidate, N, rect).correlation).replace('.', '\\.')}`));
    const yRatio = computeRegionMetrics(candidate, Float32Array.from(yCand), N, rect).sumRatio;
    assert.match(await page.locator('[data-testid="compare-roi-row-Y"] td[data-metric="sum ratio"]').innerText(), new RegExp(`^${fmtFixed(yRatio).replace('.', '\\.')}`));
    assert.equal(await page.locator('[data-testid="case-Y"] .roi-box').count(), 4, 'the region is boxed on the other row too');
    await page.getByTestId('compare-roi').locator('.roi-clear').click();
    await waitFor(page, () => (document.querySelector('[data-testid="compare-roi"]') as HTMLElement).hidden && !document.querySelector('[data-testid="case-Y"] .roi-box'), 'cleared everywhere');
    assert.deepEqual(pageErrors, []);
  });
});

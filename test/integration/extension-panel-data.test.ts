// What the results panel host sends, built from a REAL bundle: runParity (embedded engine on both sides, as the
// "Run TC-D1/TC-D3 parity" command in Restricted Mode does) on a copy of the demo workspace → readBundle →
// loadCaseImages → ViewModel + image messages. No VS Code here: the vscode-facing part is exercised by test/vscode
// and the e2e suite; this checks the data those layers hand to the webview.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runParity } from '../../src/core/parity.ts';
import { loadCases } from '../../src/core/cases/index.ts';
import { listBundles, loadCaseImages, readBundle } from '../../src/core/evidence/index.ts';
import { imageMessage, isHostToWebview, isViewModel, type ImageRole } from '../../src/shared/messages.ts';
import { buildViewModel, trendFrom } from '../../src/extension/panel/viewModel.ts';
import { bundleDirFromMarkdown, bundleStatus, caseResultMarkdown, outcomeOf } from '../../src/extension/resultText.ts';
import { resolveSettings } from '../../src/extension/settingsModel.ts';
import { removeTempDirNow } from '../helpers/tempDirs.ts';
import { copyDemoWorkspace } from '../helpers/demoWorkspace.ts';

const repo = resolve(import.meta.dirname, '../..');
// Integration tests run after `npm run build`: use the bundled engine worker.
const worker = join(repo, 'dist/engine-worker.mjs');
if (!process.env.NB_ENGINE_WORKER && existsSync(worker)) process.env.NB_ENGINE_WORKER = worker;

test('two embedded runs of TC-D1/TC-D3 → panel view model, exact-size images, trend over both bundles', { timeout: 240_000 }, async () => {
  const ws = await copyDemoWorkspace('nbp-ext-');
  try {
    const { cases } = await loadCases(ws);
    const seed = cases.filter((c) => c.source === 'builtin');
    assert.deepEqual(seed.map((c) => c.id), ['TC-D1', 'TC-D3']);
    // Restricted Mode settings (untrusted): programs are refused, embedded still runs.
    const { settings } = resolveSettings({ python: '/should/not/be/used' }, { workspace: ws, trusted: false });
    assert.equal(settings.allowPrograms, false);
    await assert.rejects(runParity({ workspace: ws, cases: seed, candidate: 'torch', reference: 'c', settings }), /Restricted Mode|not trusted/i);
    const embedded = { ...settings, embedded: { reference: { preset: 'c' as const }, candidate: { preset: 'pytorch' as const } } };
    const first = await runParity({ workspace: ws, cases: seed, candidate: 'embedded', reference: 'embedded', settings: embedded });
    const second = await runParity({ workspace: ws, cases: seed, candidate: 'embedded', reference: 'embedded', settings: embedded });
    assert.notEqual(first.dir, second.dir, 'every run gets a fresh STAMP folder');

    const listed = await listBundles(ws, settings);
    assert.deepEqual(listed.map((b) => b.dir).slice(0, 2), [second.dir, first.dir], 'newest first');
    const bundle = await readBundle(second.dir);
    const earlier = await Promise.all(listed.map((b) => readBundle(b.dir)));
    const available = new Map<string, ImageRole[]>();
    const pixels = new Map<string, Float32Array>();
    for (const c of bundle.cases) {
      const imgs = await loadCaseImages(bundle, c.caseId);
      const roles: ImageRole[] = [];
      for (const role of ['reference', 'candidate', 'model'] as const) if (imgs[role]) { roles.push(role); pixels.set(`${c.caseId}/${role}`, imgs[role]!); }
      available.set(c.caseId, roles);
    }
    const { viewModel, images } = buildViewModel(bundle, { readOnly: false, trend: trendFrom(earlier, bundle.stamp), availableImages: available });
    assert.ok(isViewModel(viewModel), 'snapshot passes the webview guard');
    assert.ok(isHostToWebview({ type: 'snapshot', viewModel }));
    for (const c of viewModel.cases) {
      assert.equal(c.fpixels, 256);
      assert.equal(c.spixels, 256);
      assert.deepEqual(c.trend.map((p) => p.stamp), [first.stamp, second.stamp]);
      assert.equal(c.reference.engine, 'embedded');
      assert.ok(c.metrics && c.metrics.correlation !== null, `${c.caseId} has metrics`);
      // The seed geometry: MOSFLM, 256² at 0.172 mm → direct beam on the corner at 128.5.
      assert.deepEqual(c.beamCenter, { fast: 128.5, slow: 128.5 }, `${c.caseId} beam centre`);
      // The seed's commands omit -N: C preset N=1 vs PyTorch preset N=5 → a large sum ratio, a fail.
      assert.equal(c.verdict.status, 'fail');
      assert.ok(c.mismatches.length > 0, `${c.caseId}: mismatches explain the fail`);
    }
    assert.equal(images.length, 4, 'reference + candidate per case');
    for (const ref of images) {
      const msg = imageMessage(ref, pixels.get(`${ref.caseId}/${ref.role}`)!);
      assert.equal(msg.buffer.byteLength, 256 * 256 * 4, 'exact-size ArrayBuffer');
      assert.ok(isHostToWebview(msg));
    }
    // Test Explorer message and status bar from the same bundle.
    for (const r of bundle.cases) {
      assert.equal(outcomeOf(r), 'failed');
      const md = caseResultMarkdown(r, bundle.dir);
      assert.equal(bundleDirFromMarkdown(md), bundle.dir);
      assert.match(md, /\| correlation \| 0\.\d{6} \| ≥ 0\.999 \| ❌ \|/);
    }
    assert.match(bundleStatus(bundle).text, /^\$\(error\) Parity 0\/2 · TC-D1 corr 0\.\d{6}$/);
  } finally {
    removeTempDirNow(ws);
  }
});

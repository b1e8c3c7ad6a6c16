// The warm server script must be found from the shipped bundles: bundle the resolver the way esbuild.config.mjs
// bundles dist/cli.mjs (ESM) and dist/extension.cjs (CJS), run each bundle with node from inside dist/, and check
// the path it prints. (The extension bundle itself needs `vscode`, so a bundle of the resolver stands in for it.)
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { build } from 'esbuild';
import { execa } from 'execa';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const OUT = join(REPO, 'dist', `.warm-path-test-${process.pid}`);
const EXPECTED = join(REPO, 'resources', 'torch-warm-server.py');
const ENTRY = `import { resolveWarmServerScript } from './src/core/engines/torch/warm/serverScript.ts';\nconsole.log(resolveWarmServerScript());\n`;

after(() => rmSync(OUT, { recursive: true, force: true }));

describe('warm server script path from bundles', () => {
  for (const format of ['esm', 'cjs'] as const) {
    it(`${format} bundle in dist/ resolves resources/torch-warm-server.py`, async () => {
      const outfile = join(OUT, format === 'esm' ? 'probe.mjs' : 'probe.cjs');
      await build({ stdin: { contents: ENTRY, resolveDir: REPO, loader: 'ts' }, bundle: true, platform: 'node', target: 'node20',
        format, outfile, logLevel: 'silent' });
      const r = await execa(process.execPath, [outfile], { cwd: '/', reject: false });
      assert.equal(r.exitCode, 0, String(r.stderr));
      assert.equal(String(r.stdout).trim(), EXPECTED);
      assert.ok(existsSync(EXPECTED));
    });
  }
});

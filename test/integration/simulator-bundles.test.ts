// The worker script must be found in both bundle formats: an ESM bundle (like dist/cli.mjs, via import.meta.url)
// and a CJS bundle (like dist/extension.cjs, where import.meta is empty and __dirname is used). We bundle the
// engine both ways next to the real dist/engine-worker.mjs (from `npm run build`) and run a golden case in a
// separate node process with 2 workers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { execa } from 'execa';
import { makeTempDirSync, removeTempDirNow } from '../helpers/tempDirs.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const fixtures = join(root, 'test/fixtures/c-goldens');
const flags = ['-mat', 'A.mat', '-default_F', '100', '-hdivrange', '0.5', '-hdivsteps', '3', '-distance', '231.274660', '-lambda', '0.9768', '-pixel', '0.172', '-detpixels', '256', '-oversample', '1', '-nointerpolate'];

for (const format of ['cjs', 'esm'] as const) {
  test(`engine bundled as ${format} finds engine-worker.mjs next to itself and reproduces tc-d3`, async () => {
    const dir = makeTempDirSync(`nb-bundle-${format}-`);
    try {
      copyFileSync(join(root, 'dist/engine-worker.mjs'), join(dir, 'engine-worker.mjs'));
      const entry = join(dir, 'entry.ts');
      writeFileSync(entry, `import { simulate } from ${JSON.stringify(join(root, 'src/core/simulator/index.ts'))};
simulate({ args: ${JSON.stringify(flags)}, cwd: ${JSON.stringify(fixtures)}, workers: 2, writeFloatfile: false })
  .then((r) => { process.stdout.write(Buffer.from(r.image.buffer).toString('base64')); })
  .catch((e) => { console.error(e.message); process.exit(3); });\n`);
      const out = join(dir, format === 'cjs' ? 'bundle.cjs' : 'bundle.mjs');
      await build({ entryPoints: [entry], outfile: out, bundle: true, platform: 'node', format, logLevel: 'silent',
        banner: format === 'esm' ? { js: "import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);" } : undefined });
      const r = await execa('node', [out], { reject: false, env: { NB_ENGINE_WORKER: '' } });
      assert.equal(r.exitCode, 0, r.stderr);
      assert.ok(Buffer.from(r.stdout, 'base64').equals(readFileSync(join(fixtures, 'tc-d3.c.bin'))));
    } finally {
      removeTempDirNow(dir);
    }
  });
}

// Bundles the CLI, the embedded-engine worker, the extension host code and the webview.
// Entries whose source does not exist yet are skipped, so a partial tree still builds.
import { build } from 'esbuild';
import { existsSync, mkdirSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const common = { bundle: true, sourcemap: true, logLevel: 'info', legalComments: 'none' };
const node = { ...common, platform: 'node', target: 'node20' };
// An ESM bundle of CJS dependencies needs `require`; give it one.
const esmBanner = { js: "import { createRequire as __nbCreateRequire } from 'node:module'; const require = __nbCreateRequire(import.meta.url);" };

const entries = [
  { ...node, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.mjs', format: 'esm', banner: esmBanner },
  { ...node, entryPoints: ['src/core/engines/embedded/worker.ts'], outfile: 'dist/engine-worker.mjs', format: 'esm', banner: esmBanner },
  { ...node, entryPoints: ['src/extension/activate.ts'], outfile: 'dist/extension.cjs', format: 'cjs', external: ['vscode'] },
  { ...common, entryPoints: ['media/webview/main.ts'], outfile: 'dist/webview.js', format: 'iife', platform: 'browser', target: 'es2022', minify: true },
];

mkdirSync('dist', { recursive: true });
for (const e of entries) {
  if (!existsSync(e.entryPoints[0])) { console.warn(`skip ${e.entryPoints[0]} (not present)`); continue; }
  await build(e);
}
if (watch) console.log('watch mode is not supported; rerun npm run build');

// Bundles the CLI, the embedded-engine worker, the extension host code and the webview.
// Entries whose source does not exist yet are skipped, so a partial tree still builds.
import { build } from 'esbuild';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const common = { bundle: true, sourcemap: true, logLevel: 'info', legalComments: 'none' };
const node = { ...common, platform: 'node', target: 'node20' };
// An ESM bundle of CJS dependencies needs `require`; give it one.
const esmBanner = { js: "import { createRequire as __nbCreateRequire } from 'node:module'; const require = __nbCreateRequire(import.meta.url);" };

const entries = [
  // Split so that each subcommand loads only its own code (a cold `nb-parity simulate` must start fast).
  // Chunks stay in dist/ itself: code that resolves files next to its own bundle keeps working.
  { ...node, entryPoints: { cli: 'src/cli/main.ts' }, outdir: 'dist', splitting: true, format: 'esm',
    outExtension: { '.js': '.mjs' }, chunkNames: 'cli-chunk-[hash]', banner: esmBanner },
  { ...node, entryPoints: ['src/core/simulator/worker.ts'], outfile: 'dist/engine-worker.mjs', format: 'esm', banner: esmBanner },
  { ...node, entryPoints: ['src/extension/activate.ts'], outfile: 'dist/extension.cjs', format: 'cjs', external: ['vscode'],
    // Modules that locate files next to their bundle use import.meta.url in ESM and __dirname here (tested).
    logOverride: { 'empty-import-meta': 'silent' } },
  { ...common, entryPoints: ['media/webview/main.ts'], outfile: 'dist/webview.js', format: 'iife', platform: 'browser', target: 'es2022', minify: true },
];

mkdirSync('dist', { recursive: true });
// Old split chunks would pile up (their names carry a content hash).
for (const f of readdirSync('dist')) if (f.startsWith('cli-chunk-')) rmSync(`dist/${f}`);
for (const e of entries) {
  const src = Object.values(e.entryPoints)[0];
  if (!existsSync(src)) { console.warn(`skip ${src} (not present)`); continue; }
  await build(e);
}
if (watch) console.log('watch mode is not supported; rerun npm run build');

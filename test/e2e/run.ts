// `npm run test:e2e`: the end-to-end scenarios in a real VS Code (code-server + Chromium + playwright-core).
// Options: --only <name,...> (prefix match on scenario names), --keep (keep run folders), --no-package (reuse the VSIX).
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { REPO, RESULTS_ROOT, runScenario, type Scenario, type ScenarioResult } from './harness.ts';
import { ensureTools } from './tools.ts';
import { SCENARIOS } from './scenarios/index.ts';
import { selfcheck } from './scenarios/selfcheck.ts';

const VSIX = join(REPO, 'dist', 'nanobragg-parity.vsix');

function parseArgs(argv: string[]) {
  const o = { only: [] as string[], keep: false, pack: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--only') o.only = (argv[++i] ?? '').split(',').filter(Boolean);
    else if (a === '--keep') o.keep = true;
    else if (a === '--no-package') o.pack = false;
    else throw new Error(`test:e2e: unknown option ${a} (known: --only <names>, --keep, --no-package)`);
  }
  return o;
}

async function packageVsix(): Promise<string> {
  const t0 = Date.now();
  const r = await execa('npm', ['run', 'package'], { cwd: REPO, reject: false, all: true, stdin: 'ignore' });
  if (r.exitCode !== 0 || !existsSync(VSIX)) {
    throw new Error(`test:e2e: "npm run package" failed (exit ${r.exitCode}), so there is no ${VSIX} to install:\n${r.all?.slice(-3000)}`);
  }
  const mb = statSync(VSIX).size / 1e6;
  console.log(`e2e: packaged ${VSIX} (${mb.toFixed(1)} MB) in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  if (mb > 50) throw new Error(`test:e2e: ${VSIX} is ${mb.toFixed(0)} MB: .vscodeignore probably lets test/e2e/.cache or node_modules in`);
  return VSIX;
}

async function main(): Promise<number> {
  const opts = parseArgs(process.argv.slice(2));
  const t0 = Date.now();
  const all: Scenario[] = [selfcheck, ...SCENARIOS];
  const chosen = opts.only.length ? all.filter((s) => opts.only.some((o) => s.name.startsWith(o) || s.name.split('-').slice(1).join('-').startsWith(o)))
    : SCENARIOS;
  if (chosen.length === 0) throw new Error(`test:e2e: no scenario matches --only ${opts.only.join(',')}; names: ${all.map((s) => s.name).join(', ')}`);
  const tools = await ensureTools((l) => console.log(l));
  const needsVsix = chosen.some((s) => s !== selfcheck);
  const vsix = needsVsix ? (opts.pack ? await packageVsix() : VSIX) : undefined;
  if (vsix && !existsSync(vsix)) throw new Error(`test:e2e: ${vsix} is missing; run without --no-package`);
  const tScen = Date.now();
  const results: ScenarioResult[] = [];
  for (const s of chosen) {
    console.log(`e2e: ${s.name}: ${s.title}`);
    const r = await runScenario(s, tools, vsix, { keep: opts.keep, log: (l) => console.log(l) });
    results.push(r);
    console.log(`e2e: ${r.ok ? 'PASS' : 'FAIL'} ${s.name} in ${(r.ms / 1000).toFixed(1)} s${r.ok ? '' : `\n    ${r.error}`}`);
  }
  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  console.log('\ne2e summary:');
  for (const r of results) console.log(`  ${r.ok ? 'PASS' : 'FAIL'}  ${r.name.padEnd(22)} ${(r.ms / 1000).toFixed(1).padStart(6)} s${r.ok ? '' : `  failed at step "${r.failedStep}"`}`);
  console.log(`  scenarios: ${((Date.now() - tScen) / 1000).toFixed(0)} s; total with tools/package: ${((Date.now() - t0) / 1000).toFixed(0)} s; screenshots in ${RESULTS_ROOT}`);
  console.log(`e2e: ${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

main().then((code) => process.exit(code), (e: Error) => {
  console.error(e.message);
  console.log('e2e: 0 passed, 1 failed');
  process.exit(1);
});

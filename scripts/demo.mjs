// `npm run demo`: copy the demo workspace to a fresh temporary folder and run the seed's TC-D1/TC-D3 there with the
// embedded simulator on both sides (reference preset c, candidate preset pytorch) through the built CLI.
// The verdict is expected to be FAIL — that is what the demo shows — so only an error (exit 2) fails the script.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const source = join(root, 'examples', 'demo-workspace');
const workspace = join(mkdtempSync(join(tmpdir(), 'nb-parity-demo-')), 'demo-workspace');
cpSync(source, workspace, { recursive: true });
console.log(`demo workspace: ${workspace}\n`);

const args = [join(root, 'bin', 'nb-parity.mjs'), 'run', 'TC-D1', 'TC-D3', '--workspace', workspace,
  '--candidate', 'embedded', '--candidate-preset', 'pytorch', '--reference', 'embedded', '--reference-preset', 'c'];
console.log(`$ nb-parity ${args.slice(1).join(' ')}\n`);
// stdout is passed through as it comes, and kept to find the bundle path for the last line.
const r = spawnSync(process.execPath, args, { stdio: ['inherit', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
process.stdout.write(r.stdout ?? '');
if (r.error) {
  console.error(`demo: could not run the CLI: ${r.error.message}`);
  process.exit(2);
}
if (r.status === 2 || r.status === null) {
  console.error(`demo: the parity run ended with an error (status ${r.status ?? r.signal}); see the messages above`);
  process.exit(2);
}
console.log(`\nThe candidate (embedded, PyTorch-like preset) ${r.status === 0 ? 'passed' : 'FAILED'} against the reference (embedded, C preset).`);
console.log('This is the failure the seed\'s real C and PyTorch runs show (corr ≈ 0.06, sum ratio ≈ 140), with the reasons above.');
console.log('Open the bundle\'s summary.md for the full evidence; in VS Code, "nanoBragg Parity: Run TC-D1/TC-D3 parity" shows it.');
const bundle = /^bundle: (.+)$/m.exec(r.stdout ?? '')?.[1]?.trim();
if (!bundle || !existsSync(bundle)) {
  console.error('demo: the run did not report an evidence bundle that exists on disk');
  process.exit(2);
}
console.log(`\nEvidence bundle: ${bundle}`);
process.exit(0);

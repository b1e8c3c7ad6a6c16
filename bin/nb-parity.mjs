#!/usr/bin/env node
// The `nb-parity` command: a thin shim over the bundled CLI (run `npm run build` first).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
const cli = fileURLToPath(new URL('../dist/cli.mjs', import.meta.url));
if (!existsSync(cli)) {
  console.error(`nb-parity: ${cli} is missing; run "npm run build" in the package folder first.`);
  process.exit(2);
}
// The reader of our output went away (`nb-parity run --jsonl | head -1`): stop like a process killed by SIGPIPE would,
// without a stack trace, with 2 (an error, never a verdict); the exit hooks still kill every process group we started.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => { if (err.code === 'EPIPE') process.exit(2); else throw err; });
}
const { main } = await import(cli);
process.exitCode = await main(process.argv.slice(2));

#!/usr/bin/env node
// The `nb-parity` command: a thin shim over the bundled CLI (run `npm run build` first).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
const cli = fileURLToPath(new URL('../dist/cli.mjs', import.meta.url));
if (!existsSync(cli)) {
  console.error(`nb-parity: ${cli} is missing; run "npm run build" in the package folder first.`);
  process.exit(2);
}
const { main } = await import(cli);
process.exitCode = await main(process.argv.slice(2));

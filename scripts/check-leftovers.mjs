// After the integration tests: no warm-server daemon (`nb-parity server --daemon`) and no Python fork-server parent
// (resources/torch-warm-server.py) of THIS checkout that was started during the tests may still run. `--mark` (run
// before the tests) records the start; processes older than the mark (a developer's own daemon) are left out, and
// so are other checkouts' processes (other worktrees on a shared machine). Linux only (/proc); elsewhere it passes.
//   node scripts/check-leftovers.mjs --mark   |   node scripts/check-leftovers.mjs
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir, uptime } from 'node:os';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const MARK = join(tmpdir(), `nb-parity-leftover-mark-${createHash('sha256').update(ROOT).digest('hex').slice(0, 12)}`);
const DAEMON = `${join(ROOT, 'bin/nb-parity.mjs')}\0server\0--daemon`;
const PARENT = join(ROOT, 'resources/torch-warm-server.py');
const HZ = 100; // USER_HZ: /proc/<pid>/stat start times are in these ticks on every Linux we run on

if (process.argv.includes('--mark')) {
  writeFileSync(MARK, String(Date.now()));
  process.exit(0);
}
if (!existsSync('/proc/self/stat')) process.exit(0);
const since = existsSync(MARK) ? Number(readFileSync(MARK, 'utf8')) : 0;
const bootMs = Date.now() - uptime() * 1000;

function ours() {
  const found = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      const what = cmd.includes(DAEMON) ? 'warm server daemon' : cmd.includes(PARENT) ? 'Python warm-server parent' : undefined;
      if (!what) continue;
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8').split(') ')[1].split(' ');
      if (stat[0] === 'Z') continue;
      const startedMs = bootMs + (Number(stat[19]) / HZ) * 1000;
      if (startedMs < since - 2000) continue; // older than the test run
      found.push(`${what} pid ${name}: ${cmd.split('\0').join(' ').trim()}`);
    } catch { /* gone meanwhile */ }
  }
  return found;
}

// A test's daemon stops within a few seconds of its runtime folder being removed: give stragglers that long.
let left = ours();
for (let i = 0; i < 40 && left.length; i++) {
  await new Promise((r) => setTimeout(r, 250));
  left = ours();
}
if (left.length) {
  console.error(`check-leftovers: ${left.length} process(es) started by the tests are still running:\n  ${left.join('\n  ')}`);
  process.exit(1);
}
console.log('check-leftovers: no warm-server daemon or Python parent of this checkout left running');

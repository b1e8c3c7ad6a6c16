// Which `nb-parity` calls the thin client offers to the warm server daemon (src/cli/callInServer.ts); the calls
// themselves are tested end to end in test/integration/in-server-calls.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { callInServerWanted } from '../../src/cli/callInServer.ts';

test('only warm/auto `run` and `trace` calls are offered to the daemon; cold, help, other commands and the opt-out are not', () => {
  const wanted = (argv: string[], env: NodeJS.ProcessEnv = {}) => callInServerWanted(argv, env);
  assert.equal(wanted(['run', 'TC-D1']), true, 'auto is the default');
  assert.equal(wanted(['run', '--torch-mode', 'warm']), true);
  assert.equal(wanted(['run', '--torch-mode=auto']), true);
  assert.equal(wanted(['run', '--torch-mode', 'cold']), false);
  assert.equal(wanted(['run', '--torch-mode=cold']), false);
  assert.equal(wanted(['run'], { NB_PARITY_TORCH_MODE: 'cold' }), false);
  assert.equal(wanted(['run', '--torch-mode', 'warm'], { NB_PARITY_TORCH_MODE: 'cold' }), true, 'the flag wins over the variable');
  assert.equal(wanted(['run'], { NB_PARITY_IN_SERVER: 'off' }), false);
  assert.equal(wanted(['run', '--help']), false);
  assert.equal(wanted(['run', '-h']), false);
  assert.equal(wanted(['trace', 'TC-D1']), true);
  assert.equal(wanted(['trace', 'TC-D1', '--torch-mode', 'cold']), false);
  assert.equal(wanted(['record', '--ledger', 'docs/fix_plan.md']), false);
  assert.equal(wanted(['cases']), false);
  // A bad mode is left to the run's own option check (exit 2 with its message), in this process.
  assert.equal(wanted(['run', '--torch-mode', 'lukewarm']), false);
});

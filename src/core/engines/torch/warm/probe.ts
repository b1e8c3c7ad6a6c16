// env.json's torch probe for a new server life, run in a child of the warm parent instead of a fresh interpreter: on a
// first call the cold probe was a third `import torch` next to the parent's and the cold twin's (2 cores). The child
// is forked from the parent that the call's first run starts (the probe never starts one itself, so the first-run
// bookkeeping is untouched), runs the same probe script as a module, and reports what a cold probe would: the
// interpreter's and torch's versions and CUDA availability, asked in the fresh child (the parent never touches CUDA).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseProbeOutput, TORCH_PROBE_SCRIPT, type TorchProbe } from '../resolve.ts';
import type { WarmTorchServer } from './server.ts';

const MODULE = 'nb_parity_torch_probe';

/** The probe from a warm child, or undefined (no run started the parent within `waitMs`: e.g. the call's PyTorch runs
 * went cold; or the child failed): then the caller probes cold as before. */
export async function probeInWarmChild(server: WarmTorchServer, baseEnv: Record<string, string>, waitMs = 3_000): Promise<TorchProbe | undefined> {
  if (!(await server.whenRunning(waitMs))) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'nb-parity-probe-'));
  try {
    writeFileSync(join(dir, `${MODULE}.py`), `${TORCH_PROBE_SCRIPT}\n`);
    const r = await server.run({ argv: [], cwd: dir, module: MODULE, baseEnv, timeoutMs: 60_000 });
    if (r.exitCode !== 0) return undefined;
    const probe = parseProbeOutput(r.stdout, 'no probe line');
    return probe.error === 'no probe line' ? undefined : { ...probe, source: `a child of the warm server (server life ${r.serverLife}), not a fresh interpreter` };
  } catch {
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

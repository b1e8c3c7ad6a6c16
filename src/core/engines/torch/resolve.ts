// Which Python runs the PyTorch port: the python setting, then NB_PY_BIN (the repo's own override), then python3.
import { isAbsolute, resolve } from 'node:path';
import { runProcess } from '../process.ts';

/** 'setting': the nbParity.python setting (or RunSettings.python from the API); '--python': the CLI's flag. */
export type PythonOrigin = 'setting' | '--python' | 'NB_PY_BIN' | 'default';

export interface PythonChoice { python: string; origin: PythonOrigin }

export function resolvePython(workspace: string, setting?: string, env: NodeJS.ProcessEnv = process.env, source: 'setting' | '--python' = 'setting'): PythonChoice {
  const pick = (v: string) => (v.includes('/') && !isAbsolute(v) ? resolve(workspace, v) : v);
  if (setting) return { python: pick(setting), origin: source };
  if (env.NB_PY_BIN) return { python: pick(env.NB_PY_BIN), origin: 'NB_PY_BIN' };
  return { python: 'python3', origin: 'default' };
}

/** The variables every PyTorch run gets (on top of the inherited environment). */
export function torchEnv(workspace: string, extraEnv: Record<string, string> = {}, inherited: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const src = resolve(workspace, 'src');
  const prev = extraEnv.PYTHONPATH ?? inherited.PYTHONPATH;
  return {
    KMP_DUPLICATE_LIB_OK: 'TRUE',
    ...extraEnv,
    PYTHONPATH: prev ? `${src}:${prev}` : src,
  };
}

export interface TorchProbe {
  torchVersion?: string; cudaAvailable?: boolean; pythonVersion?: string; error?: string;
  /** Where the facts came from when not from a probe run by this process (the warm server daemon's cache). */
  source?: string;
}

/** The probe: python and torch versions and CUDA availability, on one line after NB_PARITY_PROBE. */
export const TORCH_PROBE_SCRIPT = [
  'import json, sys',
  'out = {"python": sys.version.split()[0]}',
  'try:',
  '    import torch',
  '    out["torch"] = torch.__version__',
  '    out["cuda"] = bool(torch.cuda.is_available())',
  'except Exception as e:',
  '    out["error"] = type(e).__name__ + ": " + str(e)',
  'print("NB_PARITY_PROBE " + json.dumps(out))',
].join('\n');

/** torch version and CUDA availability for env.json (one extra interpreter start; never throws). */
export async function probeTorch(python: string, cwd: string, env: Record<string, string>, signal?: AbortSignal): Promise<TorchProbe> {
  const r = await runProcess({ file: python, args: ['-c', TORCH_PROBE_SCRIPT], cwd, env, timeoutMs: 60_000, signal });
  return parseProbeOutput(r.stdout, r.spawnError ?? `probe failed (status ${r.exitCode ?? r.signal}): ${r.stderr.trim().split('\n').pop() ?? ''}`);
}

/** The probe's facts from its stdout; `failure` when its line is missing. */
export function parseProbeOutput(stdout: string, failure: string): TorchProbe {
  const line = stdout.split('\n').find((l) => l.startsWith('NB_PARITY_PROBE '));
  if (!line) return { error: failure };
  try {
    const j = JSON.parse(line.slice('NB_PARITY_PROBE '.length)) as { python?: string; torch?: string; cuda?: boolean; error?: string };
    return { torchVersion: j.torch, cudaAvailable: j.cuda, pythonVersion: j.python, error: j.error };
  } catch {
    return { error: `unreadable probe output: ${line}` };
  }
}

// The run-level files of a parity run, as text: commands.txt, metrics.json, correlation/sum_ratio, diagnostics,
// env.json, bundle.json, summary.md, matrix.md and attribution.json. The bundle writer decides their names and writes them.
import type { Bundle } from '../../shared/types.ts';
import type { TorchProbe } from '../engines/torch/index.ts';
import type { RunTexts } from '../evidence/bundleWriter.ts';
import { LAYOUT_VERSION } from '../evidence/layout.ts';
import { C_REUSE_SAMPLE_EVERY } from '../engines/c/index.ts';
import { reusedFrom } from '../../shared/reusedRun.ts';
import { commandsText, diagnosticsText, engineName, metricsJson, perCaseLines } from '../evidence/texts.ts';
import { summaryMarkdown } from '../evidence/summary.ts';
import { bundleJson } from '../evidence/bundleJson.ts';
import { TOOL_VERSION } from '../evidence/version.ts';
import { gitCommit } from '../workspace/git.ts';
import { shellQuote } from '../cases/flags.ts';
import { matrixMarkdown } from '../report/matrix.ts';
import type { ParityOptions } from '../settings.ts';
import type { RunContext } from './context.ts';
import type { PreparedEngines } from './prepare.ts';

/** Typed arrays (the best model image) do not belong in JSON files. */
export function jsonReplacer(_k: string, v: unknown): unknown {
  if (ArrayBuffer.isView(v)) return `<${(v as Float32Array).length} values>`;
  return v;
}

export function runTexts(ctx: RunContext, bundle: Bundle, env: Record<string, unknown>): RunTexts {
  const { opts, prepared, reference, candidate, attributions } = ctx;
  const header = [
    `nb-parity ${TOOL_VERSION} parity run ${bundle.stamp}: candidate ${engineName(candidate)} vs reference ${engineName(reference)}`,
    `workspace: ${opts.workspace}`,
    ...(opts.settings.calledVia ? [opts.settings.calledVia] : []),
    ...prepared.describe,
    'each block below runs in its own subshell: copy-paste one to reproduce that run; the two sides of a case ran concurrently',
  ];
  const summaryHeader = [...prepared.describe];
  if (prepared.cBinary?.frozen) summaryHeader.unshift(`⚠️ the FROZEN C binary ./nanoBragg ran (sha256 ${prepared.cBinary.sha256}); build golden_suite_generator/nanoBragg for authoritative evidence`);
  const probed = prepared.python && opts.settings.probeTorch !== false;
  const probeSource = (env.python as { probe_source?: string | null } | null | undefined)?.probe_source;
  return {
    commands: commandsText(header, ctx.commandEntries.flat().filter(Boolean), [
      ...prepared.setupCommands,
      ...(probed ? [probeSource
        ? `# env.json's torch facts: the probe ${shellQuote(prepared.python!.python)} -c '<print torch version and CUDA availability>' was answered by ${probeSource}`
        : `# also ran, for env.json: ${shellQuote(prepared.python!.python)} -c '<print torch version and CUDA availability>'`] : []),
    ]),
    metrics: metricsJson(bundle, reference, candidate),
    correlation: perCaseLines(bundle, (m) => m.correlation),
    sumRatio: perCaseLines(bundle, (m) => m.sumRatio),
    diagnostics: diagnosticsText(bundle),
    env: `${JSON.stringify(env, null, 2)}\n`,
    bundleJson: bundleJson(bundle, { reference, candidate, attributions }),
    summary: summaryMarkdown(bundle, { reference, candidate, header: summaryHeader, attributions, attributionMarkdown: ctx.attributionMarkdown, cancelled: opts.signal?.aborted }),
    matrix: bundle.matrix ? matrixMarkdown(bundle, bundle.matrix) : undefined,
    attribution: Object.keys(attributions).length ? `${JSON.stringify(attributions, jsonReplacer, 2)}\n` : undefined,
  };
}

const WATCHED_ENV = ['NB_C_BIN', 'NB_PY_BIN', 'KMP_DUPLICATE_LIB_OK', 'NB_RUN_PARALLEL', 'OMP_NUM_THREADS', 'NANOBRAGG_DISABLE_COMPILE', 'PYTHONPATH', 'CUDA_VISIBLE_DEVICES'];

export async function envJson(opts: ParityOptions, p: PreparedEngines, probe: TorchProbe | undefined, stamp: string, wallMs: number, bundle?: Bundle): Promise<Record<string, unknown>> {
  const envVars: Record<string, string | null> = {};
  for (const k of WATCHED_ENV) envVars[k] = process.env[k] ?? null;
  for (const [k, v] of Object.entries(opts.settings.extraEnv ?? {})) envVars[k] = v;
  return {
    tool: { name: 'nb-parity', version: TOOL_VERSION, layout: LAYOUT_VERSION },
    stamp,
    node: process.version,
    // Where the call ran: null in the process the user started, else who carried it out (the warm server daemon).
    cli_call: opts.settings.calledVia ?? null,
    platform: `${process.platform}-${process.arch}`,
    workspace: opts.workspace,
    workspace_git: await gitCommit(opts.workspace) ?? null,
    reference_engine: opts.reference,
    candidate_engine: opts.candidate,
    c_binary: p.cBinary ? { path: p.cBinary.path, sha256: p.cBinary.sha256, origin: p.cBinary.origin, frozen: p.cBinary.frozen } : null,
    NB_C_BIN: process.env.NB_C_BIN ?? null,
    // Per C side: run, or reused from an identical earlier run (engines/c/reuse.ts), and why.
    c_runs: p.cBinary ? bundle?.cases.flatMap((c) => [c.reference, c.candidate].filter((r) => r.engine === 'c').map((r) => ({
      case: c.caseId, side: r.side, reused: !!reusedFrom(r), reused_from: reusedFrom(r)?.from ?? null,
      note: r.info?.reuseNote ?? null,
    }))) ?? null : null,
    c_reuse_policy: p.cBinary ? (opts.settings.reuseC === false
      ? 'off: every C side ran'
      : `a C command is reused (its float file copied from an earlier bundle after a sha256 check) only when an earlier run had the same binary sha256, arguments, input-file sha256s and environment (--env values, OMP_*, GOMP_*, KMP_*, NB_* but NB_PARITY_*, NANOBRAGG*, LD_LIBRARY_PATH, LD_PRELOAD), and two real runs of it gave byte-identical float files; every ${C_REUSE_SAMPLE_EVERY}th reuse runs it again and compares; one difference and it always runs`) : null,
    python: p.python ? {
      interpreter: p.python.python, origin: p.python.origin, torch_mode: opts.settings.torchMode ?? 'cold',
      // What actually ran per PyTorch side (warm fork-server or cold), with the authoritative check's outcome.
      torch_runs: bundle?.cases.flatMap((c) => [c.reference, c.candidate].filter((r) => r.engine === 'torch').map((r) => ({
        case: c.caseId, side: r.side, mode: r.info?.mode ?? null, note: r.info?.modeNote ?? null, authoritative: r.info?.authoritative ?? null,
        // Whether this run was compared with a cold twin, and why (or which earlier run of its server life vouches for it).
        verified: String(r.info?.authoritativeBasis ?? '').startsWith('compared with a cold run'),
        verification: r.info?.authoritativeBasis ?? null,
        host: r.info?.warmHost ?? null, daemon_pid: r.info?.warmDaemonPid ?? null, server_pid: r.info?.warmServerPid ?? null, server_life: r.info?.warmWorkerLife ?? null, run_in_life: r.info?.warmRun ?? null,
        port_files: r.info?.portFiles ?? null,
        // A spare child (forked and pre-faulted before the request) or a fork at the request; both are fresh children.
        forked: r.info?.mode === 'warm' ? (r.info?.warmSpare ? 'spare' : 'at request') : null,
      }))) ?? null,
      torch_verification_policy: opts.settings.torchMode && opts.settings.torchMode !== 'cold'
        ? 'a warm run is compared byte for byte with a cold run on the first run of each server life, after any change to the port\'s .py files (path, mtime, size), on every 20th run of a server life, and whenever it fails; a torch change restarts the server (a new life), another interpreter is another server; one mismatch makes the life cold for good'
        : null,
      python_version: probe?.pythonVersion ?? null, torch_version: probe?.torchVersion ?? null, cuda_available: probe?.cudaAvailable ?? null,
      probe_error: probe?.error ?? null, probe_source: probe?.source ?? null,
    } : null,
    embedded: opts.reference === 'embedded' || opts.candidate === 'embedded'
      ? { reference: opts.reference === 'embedded' ? opts.settings.embedded?.reference ?? { preset: 'c' } : null, candidate: opts.candidate === 'embedded' ? opts.settings.embedded?.candidate ?? { preset: 'pytorch' } : null }
      : null,
    env_vars: envVars,
    extra_env: opts.settings.extraEnv ?? {},
    settings: { concurrency: opts.settings.concurrency ?? 1, timeout_ms: opts.settings.timeoutMs ?? null, allow_programs: opts.settings.allowPrograms, explain: !!opts.settings.explain },
    wall_ms: Math.round(wallMs),
  };
}

// Pure mapping from the `nbParity.*` settings to the orchestration's RunSettings.
// No vscode import: the extension reads the configuration and hands plain values in, so this is unit-tested in Node.
import * as os from 'node:os';
import * as path from 'node:path';
import type { EngineId } from '../shared/types.ts';
import type { RunSettings } from '../core/settings.ts';

export const ENGINE_IDS: readonly EngineId[] = ['c', 'torch', 'embedded'];
export const TORCH_MODES = ['cold', 'warm', 'auto'] as const;

/** The `nbParity.*` values as VS Code returns them (unknown shapes: users edit settings.json by hand). */
export interface RawSettings {
  cBinary?: unknown;
  python?: unknown;
  extraEnv?: unknown;
  reportsRoot?: unknown;
  initiative?: unknown;
  phase?: unknown;
  candidate?: unknown;
  reference?: unknown;
  concurrency?: unknown;
  timeoutSeconds?: unknown;
  explain?: unknown;
  torchMode?: unknown;
  reuseCRuns?: unknown;
}

export interface SettingsContext {
  /** Absolute workspace folder, for `${workspaceFolder}` and relative paths. */
  workspace: string;
  /** vscode.workspace.isTrusted: false → Restricted Mode, no program is launched. */
  trusted: boolean;
  /** Active interpreter from the Python extension, when installed; the `nbParity.python` setting overrides it. */
  pythonFromExtension?: string;
}

export interface ResolvedSettings {
  settings: RunSettings;
  candidate: EngineId;
  reference: EngineId;
  /** Where the interpreter came from, for the log and the Python picker. */
  pythonSource: 'setting' | 'python-extension' | 'default';
  /** Settings that were ignored, worded for the user (setting name, the bad value, what was used instead). */
  problems: string[];
}

/** Expands `${workspaceFolder}`, `~` and makes a program path absolute (relative → against the workspace). */
export function expandPath(value: string, workspace: string): string {
  let v = value.trim().replaceAll('${workspaceFolder}', workspace);
  if (v === '~' || v.startsWith('~/')) v = path.join(os.homedir(), v.slice(1));
  // A bare command name ("python3") is looked up on PATH by the runner: keep it bare.
  if (!v.includes('/') && !v.includes('\\')) return v;
  return path.isAbsolute(v) ? path.normalize(v) : path.resolve(workspace, v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

function engine(name: string, v: unknown, fallback: EngineId, problems: string[]): EngineId {
  if (v === undefined || v === null || v === '') return fallback;
  if (typeof v === 'string' && (ENGINE_IDS as readonly string[]).includes(v)) return v as EngineId;
  problems.push(`nbParity.${name}: "${String(v)}" is not one of ${ENGINE_IDS.join(', ')}; using "${fallback}".`);
  return fallback;
}

export function resolveSettings(raw: RawSettings, ctx: SettingsContext): ResolvedSettings {
  const problems: string[] = [];
  const candidate = engine('candidate', raw.candidate, 'torch', problems);
  const reference = engine('reference', raw.reference, 'c', problems);
  if (candidate === reference && candidate !== 'embedded') {
    problems.push(`nbParity.candidate and nbParity.reference are both "${candidate}": the comparison only shows run-to-run noise.`);
  }

  const extraEnv: Record<string, string> = {};
  if (raw.extraEnv !== undefined && raw.extraEnv !== null) {
    if (typeof raw.extraEnv !== 'object' || Array.isArray(raw.extraEnv)) {
      problems.push('nbParity.extraEnv must be an object of NAME: "value" pairs; ignored.');
    } else {
      for (const [k, v] of Object.entries(raw.extraEnv as Record<string, unknown>)) {
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) { problems.push(`nbParity.extraEnv: "${k}" is not a valid variable name; ignored.`); continue; }
        if (typeof v === 'string') extraEnv[k] = v.replaceAll('${workspaceFolder}', ctx.workspace);
        else if (typeof v === 'number' || typeof v === 'boolean') extraEnv[k] = String(v);
        else problems.push(`nbParity.extraEnv.${k}: value must be a string; ignored.`);
      }
    }
  }

  let concurrency: number | undefined;
  if (raw.concurrency !== undefined && raw.concurrency !== null) {
    if (typeof raw.concurrency === 'number' && Number.isInteger(raw.concurrency) && raw.concurrency >= 1) concurrency = raw.concurrency;
    else problems.push(`nbParity.concurrency: ${JSON.stringify(raw.concurrency)} is not a whole number ≥ 1; using the default.`);
  }

  let timeoutMs: RunSettings['timeoutMs'];
  if (raw.timeoutSeconds !== undefined && raw.timeoutSeconds !== null) {
    const t = raw.timeoutSeconds;
    if (typeof t === 'number' && Number.isFinite(t) && t >= 0) {
      // 0 means "no limit": leave timeoutMs unset so the runner applies none.
      if (t > 0) timeoutMs = { reference: Math.round(t * 1000), candidate: Math.round(t * 1000) };
    } else {
      problems.push(`nbParity.timeoutSeconds: ${JSON.stringify(t)} is not a number ≥ 0; using the default.`);
    }
  }

  let torchMode: RunSettings['torchMode'];
  if (raw.torchMode !== undefined && raw.torchMode !== null && raw.torchMode !== '') {
    if ((TORCH_MODES as readonly unknown[]).includes(raw.torchMode)) torchMode = raw.torchMode as RunSettings['torchMode'];
    else problems.push(`nbParity.torchMode: "${String(raw.torchMode)}" is not one of ${TORCH_MODES.join(', ')}; using "cold".`);
  }

  const pythonSetting = str(raw.python);
  let python: string | undefined;
  let pythonSource: ResolvedSettings['pythonSource'] = 'default';
  if (pythonSetting) { python = expandPath(pythonSetting, ctx.workspace); pythonSource = 'setting'; }
  else if (ctx.pythonFromExtension) { python = ctx.pythonFromExtension; pythonSource = 'python-extension'; }

  const cBinarySetting = str(raw.cBinary);
  const settings: RunSettings = {
    allowPrograms: ctx.trusted,
    reportsRoot: str(raw.reportsRoot),
    initiative: str(raw.initiative),
    phase: str(raw.phase),
    explain: raw.explain === true,
  };
  // Default on: only an explicit false runs the C binary every time.
  if (raw.reuseCRuns === false) settings.reuseC = false;
  // In Restricted Mode nothing names a program: the runner refuses C/PyTorch anyway, this keeps paths out of logs too.
  if (ctx.trusted) {
    if (cBinarySetting) settings.cBinary = expandPath(cBinarySetting, ctx.workspace);
    if (python) settings.python = python;
    if (Object.keys(extraEnv).length) settings.extraEnv = extraEnv;
  }
  if (concurrency !== undefined) settings.concurrency = concurrency;
  if (timeoutMs) settings.timeoutMs = timeoutMs;
  if (torchMode) settings.torchMode = torchMode;
  for (const k of ['reportsRoot', 'initiative', 'phase'] as const) if (settings[k] === undefined) delete settings[k];
  return { settings, candidate, reference, pythonSource: ctx.trusted ? pythonSource : 'default', problems };
}

/** True when a run with these engines would launch a program (C binary, Python); the embedded engine launches none. */
export function needsPrograms(candidate: EngineId, reference: EngineId): boolean {
  return candidate !== 'embedded' || reference !== 'embedded';
}

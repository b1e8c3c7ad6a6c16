// The Python interpreter for PyTorch runs: the nbParity.python setting wins; otherwise the interpreter selected in
// the Python extension (through its published API), when that extension is installed. Never throws.
import * as vscode from 'vscode';
import { PythonExtension } from '@vscode/python-extension';

const API_TIMEOUT_MS = 5000;

async function api(): Promise<PythonExtension | undefined> {
  if (!vscode.extensions.getExtension('ms-python.python')) return undefined;
  try {
    // Activating the Python extension can take a while on a cold start; never block a parity run on it for long.
    return await Promise.race([
      PythonExtension.api(),
      new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), API_TIMEOUT_MS)),
    ]);
  } catch {
    return undefined;
  }
}

/** Absolute path of the Python extension's active interpreter for this folder, or undefined. */
export async function pythonFromExtension(folder?: vscode.Uri): Promise<string | undefined> {
  const py = await api();
  if (!py) return undefined;
  try {
    const envPath = py.environments.getActiveEnvironmentPath(folder);
    const resolved = await py.environments.resolveEnvironment(envPath);
    return resolved?.executable.uri?.fsPath ?? (envPath.path || undefined);
  } catch {
    return undefined;
  }
}

/** Interpreters the Python extension knows about, for the picker. */
export async function knownInterpreters(): Promise<{ path: string; label: string }[]> {
  const py = await api();
  if (!py) return [];
  const out: { path: string; label: string }[] = [];
  for (const env of py.environments.known) {
    const p = env.executable.uri?.fsPath;
    if (!p) continue;
    const v = env.version ? `${env.version.major}.${env.version.minor}.${env.version.micro}` : '';
    const name = env.environment?.name ?? env.tools.join(', ');
    out.push({ path: p, label: `Python ${v}${name ? ` (${name})` : ''}`.trim() });
  }
  return out;
}

/** Fires when the Python extension's active interpreter changes (the settings cache listens). */
export async function onInterpreterChange(listener: () => void): Promise<vscode.Disposable | undefined> {
  const py = await api();
  return py?.environments.onDidChangeActiveEnvironmentPath(() => listener());
}

// Workspace Trust: in Restricted Mode we launch no program (C binary, Python, make). Commands that would need one
// say why and how to trust; where the embedded simulator can stand in, they offer it instead.
import * as vscode from 'vscode';
import type { EngineId } from '../shared/types.ts';
import { needsPrograms } from './settingsModel.ts';

export const MANAGE_TRUST = 'Manage Workspace Trust';
export const RUN_EMBEDDED = 'Run embedded vs embedded';

const ENGINE_PROGRAM: Record<EngineId, string> = { c: 'the C binary', torch: 'Python (PyTorch)', embedded: 'nothing' };

export function isTrusted(): boolean {
  return vscode.workspace.isTrusted;
}

/** The sentence every refusal starts with; the e2e test looks for "Restricted Mode". */
export function restrictedReason(what: string): string {
  return `Restricted Mode: nanoBragg Parity does not launch programs in an untrusted workspace, so ${what} will not run. ` +
    'Trust this folder (Manage Workspace Trust) to allow it.';
}

export type TrustDecision = 'programs-allowed' | 'embedded-only' | 'cancelled';

/**
 * Before a run: fine when trusted or when no side launches a program. Otherwise explain, offer the embedded engine
 * on both sides (it launches nothing) or the trust editor.
 */
export async function gateRun(candidate: EngineId, reference: EngineId, log: (l: string) => void): Promise<TrustDecision> {
  if (isTrusted() || !needsPrograms(candidate, reference)) return 'programs-allowed';
  const programs = [...new Set([reference, candidate].filter((e) => e !== 'embedded').map((e) => ENGINE_PROGRAM[e]))].join(' and ');
  const msg = `${restrictedReason(programs)} The embedded simulator launches no program: it can run the case on both sides (C preset as reference, PyTorch preset as candidate).`;
  log(msg);
  const pick = await vscode.window.showWarningMessage(msg, RUN_EMBEDDED, MANAGE_TRUST);
  if (pick === RUN_EMBEDDED) return 'embedded-only';
  if (pick === MANAGE_TRUST) await vscode.commands.executeCommand('workbench.trust.manage');
  return 'cancelled';
}

/** For commands that have no program-free alternative (Build C binary, checking an interpreter). */
export async function refuseInRestrictedMode(what: string, log: (l: string) => void): Promise<boolean> {
  if (isTrusted()) return false;
  const msg = restrictedReason(what);
  log(msg);
  const pick = await vscode.window.showWarningMessage(msg, MANAGE_TRUST);
  if (pick === MANAGE_TRUST) await vscode.commands.executeCommand('workbench.trust.manage');
  return true;
}

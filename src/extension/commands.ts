// Palette commands (category "nanoBragg Parity"), one module per family under commands/. Record attempt is
// registered by the ledger module.
import type * as vscode from 'vscode';
import { registerRunCommands, type ParityCommands, type RunDeps } from './commands/run.ts';
import { registerResultCommands, type ResultDeps } from './commands/results.ts';
import { registerSetupCommands } from './commands/setup.ts';
import { registerCompareCommands } from './commands/compare.ts';

export type { ParityCommands } from './commands/run.ts';
export { pickFolder } from './commands/folder.ts';

export type CommandDeps = RunDeps & ResultDeps;

export function registerCommands(context: vscode.ExtensionContext, deps: CommandDeps): ParityCommands {
  const commands = registerRunCommands(context, deps);
  registerResultCommands(context, deps);
  registerCompareCommands(context, deps);
  registerSetupCommands(context, deps.log, deps.service);
  return commands;
}

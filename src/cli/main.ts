// `nb-parity` entry: dispatches subcommands to their own modules, each `(argv) => Promise<exit code>`.
// Subcommand modules are imported lazily so `nb-parity simulate` does not load the parity/ledger code.

type Command = (argv: string[]) => Promise<number>;

const commands: Record<string, { summary: string; load: () => Promise<Command> }> = {
  simulate: { summary: 'run the embedded nanoBragg simulator with C flags (-floatfile OUT.bin ...)', load: async () => (await import('./simulate.ts')).simulateCommand },
  run: { summary: 'run parity cases and write an evidence bundle', load: async () => (await import('./run.ts')).runCommand },
  cases: { summary: 'list the parity cases of a workspace with their source', load: async () => (await import('./cases.ts')).casesCommand },
  record: { summary: 'record a bundle as an attempt in docs/fix_plan.md', load: async () => (await import('./record.ts')).recordCommand },
  compare: { summary: 'compare two evidence bundles case by case: better, worse or unchanged', load: async () => (await import('./compare.ts')).compareCommand },
  export: { summary: 'export a case of a bundle as .npy images or a metrics CSV', load: async () => (await import('./export.ts')).exportCommand },
  history: { summary: 'every bundle that ran a case, newest first, with its metrics and a chart over time', load: async () => (await import('./history.ts')).historyCommand },
  trace: { summary: 'trace one pixel on both sides and name the first divergence', load: async () => (await import('./trace.ts')).traceCommand },
  server: { summary: 'status or stop of the per-user warm PyTorch server (run --torch-mode warm|auto)', load: async () => (await import('./server.ts')).serverCommand },
  explain: { summary: 'attribute a bundle\'s divergence to named semantic forks', load: async () => (await import('./explain.ts')).explainCommand },
};

export function usage(): string {
  const lines = ['usage: nb-parity <command> [options]', '', 'commands:'];
  for (const [name, c] of Object.entries(commands)) lines.push(`  ${name.padEnd(9)} ${c.summary}`);
  lines.push('', 'Run `nb-parity <command> --help` for its options; `nb-parity --version` prints the version.');
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-V' || name === 'version') {
    // Scripts that pin a version, and bug reports: the tool version and the bundle layout it writes and reads.
    const [{ TOOL_VERSION }, { LAYOUT_VERSION }] = await Promise.all([import('../core/evidence/version.ts'), import('../core/evidence/layout.ts')]);
    console.log(`nb-parity ${TOOL_VERSION} (bundle layout ${LAYOUT_VERSION})`);
    return 0;
  }
  if (!commands[name]) {
    console.error(`nb-parity: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  // A warm call is carried out by the warm server daemon when one runs (no module loading, no cold JIT here).
  if (name === 'run' || name === 'trace') {
    const code = await (await import('./callInServer.ts')).callInServer(argv);
    if (code !== undefined) return code;
  }
  const { guardedCommand } = await import('./usage.ts');
  return guardedCommand(name, async () => (await commands[name].load())(rest));
}

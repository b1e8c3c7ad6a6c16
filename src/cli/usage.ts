// The start every subcommand shares: parse argv; a parse error is printed with the usage (exit 2), `--help`
// prints the usage (exit 0); and one way to report a bad value (exit 2).

/** The parsed arguments, or the exit code when there is nothing more to do. */
export function parseCommandArgs<T extends { values: { help?: boolean } }>(name: string, help: string, parse: () => T): T | number {
  let parsed: T;
  try {
    parsed = parse();
  } catch (err) {
    console.error(`nb-parity ${name}: ${(err as Error).message}\n\n${help}`);
    return 2;
  }
  if (parsed.values.help) { console.log(help); return 0; }
  return parsed;
}

/** `bad(message)` prints `nb-parity NAME: message` on stderr and returns 2, the exit code of bad input. */
export const badInput = (name: string) => (message: string): number => { console.error(`nb-parity ${name}: ${message}`); return 2; };

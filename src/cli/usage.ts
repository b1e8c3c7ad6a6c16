// The start every subcommand shares: parse argv; a parse error is one line naming the option (exit 2), `--help`
// prints the usage (exit 0); and one way to report a bad value (exit 2).
import { didYouMean } from '../core/cases/suggest.ts';

/** The parsed arguments, or the exit code when there is nothing more to do. */
export function parseCommandArgs<T extends { values: { help?: boolean } }>(name: string, help: string, parse: () => T): T | number {
  let parsed: T;
  try {
    parsed = parse();
  } catch (err) {
    return parseFailed(name, err, help);
  }
  if (parsed.values.help) { console.log(help); return 0; }
  return parsed;
}

/** `bad(message)` prints `nb-parity NAME: message` on stderr and returns 2, the exit code of bad input. */
export const badInput = (name: string) => (message: string): number => { console.error(`nb-parity ${name}: ${message}`); return 2; };

/** A parse error of `nb-parity NAME` on one line (exit 2); the usage is one `--help` away instead of burying it. */
export function parseFailed(name: string, err: unknown, help: string): number {
  console.error(`nb-parity ${name}: ${parseErrorText(err as Error & { code?: string }, help)}; "nb-parity ${name} --help" lists the options`);
  return 2;
}

/** node:util parseArgs's errors in our words: the option, and the nearest known one for a typo (from the usage text). */
function parseErrorText(err: Error & { code?: string }, help: string): string {
  const unknown = err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && /'(-[^']*)'/.exec(err.message)?.[1];
  if (unknown) {
    const known = [...new Set(help.match(/--[a-z][a-z0-9-]*/g) ?? [])];
    const starting = known.filter((k) => k.startsWith(unknown));
    return `unknown option ${unknown}${starting.length === 1 ? ` (did you mean "${starting[0]}"?)` : didYouMean(unknown, known)}`;
  }
  return err.message.replace(/\.$/, '');
}

/** Carry out `nb-parity NAME`: an error nothing else caught is one line on stderr and exit 2. */
export async function guardedCommand(name: string, run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (err) {
    console.error(`nb-parity ${name}: ${err instanceof Error ? err.message : String(err)}`);
    return 2;
  }
}

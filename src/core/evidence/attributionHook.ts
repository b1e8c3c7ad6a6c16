// `--explain`: hand a failed case to the analysis layer's attribute() (src/core/attribution) and keep its record.
import type { Case, CaseResult } from '../types.ts';
import type { ParityOptions } from '../parity.ts';

export async function attributeCase(_c: Case, _r: CaseResult, _workspace: string, opts: ParityOptions): Promise<unknown> {
  opts.onLog?.('attribution is not available in this build yet (src/core/attribution has not landed)');
  return undefined;
}

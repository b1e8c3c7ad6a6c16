// Attribution wired to the real embedded engine (contract 2): `attribute(input)` runs the search of ./search.ts
// with simulate()/PRESETS/FORK_DOCS from src/core/simulator. The Attribution shape is documented there.
import { simulate, PRESETS, FORK_DOCS } from '../simulator/index.ts';
import { attributeWith, type AttributeInput, type Attribution, type EngineApi } from './search.ts';

export {
  formatAttributionTable,
  formatAttributionMarkdown,
  summarizeAttribution,
  attributionToJson,
  relevantForks,
  SEED_THRESHOLDS,
  REPRODUCTION_TOLERANCE,
  AttributionCancelled,
} from './search.ts';
export type { Attribution, AttributionStatus, AttributionStep, AttributeInput, ChosenFork, PairNumbers } from './search.ts';

export const EMBEDDED_API: EngineApi = { simulate, presets: PRESETS, forkDocs: FORK_DOCS };

/** Explain a reference/candidate gap with the embedded engine's named forks. Rejects with an AbortError on cancel. */
export async function attribute(input: AttributeInput): Promise<Attribution> {
  return attributeWith(EMBEDDED_API, input);
}

/** One seed-sized attribution for the benchmark: wall time in ms of attribute() on the given pair. */
export async function benchAttribution(input: AttributeInput): Promise<{ ms: number; attribution: Attribution }> {
  const t0 = performance.now();
  const attribution = await attribute(input);
  return { ms: performance.now() - t0, attribution };
}

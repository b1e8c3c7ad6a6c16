// The six scenarios of issue 6, in the order `npm run test:e2e` runs them.
import type { Scenario } from '../harness.ts';

export const SCENARIOS: Scenario[] = [];

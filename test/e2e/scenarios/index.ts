// The six scenarios of issue 6, in the order `npm run test:e2e` runs them.
import type { Scenario } from '../harness.ts';
import { runSeed } from './s1-run-seed.ts';
import { explore } from './s2-explore.ts';
import { recordAttempt } from './s3-record-attempt.ts';
import { testExplorer } from './s4-test-explorer.ts';
import { cancel } from './s5-cancel.ts';
import { restricted } from './s6-restricted.ts';
import { firstPaint } from './s7-first-paint.ts';
import { compareHistory } from './s9-compare-history.ts';
import { whatIfFromPanel } from './s10-whatif.ts';

export const SCENARIOS: Scenario[] = [runSeed, explore, recordAttempt, testExplorer, cancel, restricted, firstPaint, compareHistory, whatIfFromPanel];

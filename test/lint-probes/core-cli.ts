// probe: src/core/metrics/probe.ts
// expect: The core must not depend on the CLI (the CLI is a client of the core).
import { main } from '../../cli/main.ts';
export const x = main;

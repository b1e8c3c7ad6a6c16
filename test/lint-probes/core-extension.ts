// probe: src/core/metrics/probe.ts
// expect: The core must not depend on the extension layer.
import { log } from '../../extension/log.ts';
export const x = log;

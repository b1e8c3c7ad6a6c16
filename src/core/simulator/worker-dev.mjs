// Worker entry when running from TypeScript sources (tests, tsx): register tsx in this thread, then load the
// real worker. Bundled builds use dist/engine-worker.mjs instead.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');

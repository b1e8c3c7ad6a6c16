// The tool version written into env.json and commands.txt (from package.json, bundled by esbuild).
import pkg from '../../../package.json';

export const TOOL_VERSION: string = (pkg as { version?: string }).version ?? '0.0.0';

// User cases: `.nb-parity/cases.json` in the workspace, validated with a JSON schema (ajv). Errors name the file,
// the JSON path and what to do; a bad case is skipped, the good ones still load.
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import type { Case, EmbeddedOptions, Roi } from '../../shared/types.ts';
import { roiFromValue } from '../../shared/roi.ts';
import { stemFor } from './builtin.ts';
import { loadCaseFile, type LoadResult } from './caseFile.ts';
import { splitArgs } from './flags.ts';
import { didYouMean } from './suggest.ts';

export { USER_CASES_PATH } from './caseFile.ts';

const thresholdsSchema = {
  type: 'object',
  additionalProperties: false,
  // An empty map would make the case pass whatever the images are.
  minProperties: 1,
  properties: {
    corrMin: { type: 'number', minimum: -1, maximum: 1 },
    sumRatioTol: { type: 'number', minimum: 0 },
    sumRatioMin: { type: 'number' },
    sumRatioMax: { type: 'number' },
    maxAbsMax: { type: 'number', minimum: 0 },
    rmseMax: { type: 'number', minimum: 0 },
  },
};

const embeddedSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    preset: { enum: ['c', 'pytorch'] },
    forks: { type: 'object', additionalProperties: { type: 'string' } },
    workers: { type: 'integer', minimum: 1 },
  },
};

const roiSchema = {
  oneOf: [
    { type: 'array', items: { type: 'integer', minimum: 0 }, minItems: 4, maxItems: 4 },
    { type: 'string', pattern: '^\\s*\\d+\\s*(,\\s*\\d+\\s*){3}$' },
    {
      type: 'object', additionalProperties: false, required: ['x0', 'x1', 'y0', 'y1'],
      properties: { x0: { type: 'integer', minimum: 0 }, x1: { type: 'integer', minimum: 0 }, y0: { type: 'integer', minimum: 0 }, y1: { type: 'integer', minimum: 0 } },
    },
  ],
};

export const USER_CASES_SCHEMA = {
  $id: 'https://nanobragg-parity/cases.schema.json',
  type: 'object',
  additionalProperties: false,
  required: ['cases'],
  properties: {
    $schema: { type: 'string' },
    cases: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'flags', 'thresholds'],
        properties: {
          id: { type: 'string', minLength: 1, pattern: '^[^\\s\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029]+$' },
          label: { type: 'string' },
          description: { type: 'string' },
          flags: { oneOf: [{ type: 'string', minLength: 1 }, { type: 'array', items: { type: 'string' }, minItems: 1 }] },
          fileStem: { type: 'string', pattern: '^[A-Za-z0-9_.-]+$' },
          thresholds: thresholdsSchema,
          roi: roiSchema,
          embedded: {
            type: 'object',
            additionalProperties: false,
            properties: { reference: embeddedSchema, candidate: embeddedSchema },
          },
        },
      },
    },
  },
} as const;

// Compiled on first use: most workspaces have no cases.json, and compiling costs start-up time for every command.
let compiled: ValidateFunction | undefined;
function validator(): ValidateFunction {
  compiled ??= new Ajv({ allErrors: true, strict: false }).compile(USER_CASES_SCHEMA);
  return compiled;
}

const HINT = 'see docs/cases.md for the format';

function explain(e: ErrorObject): string {
  const path = e.instancePath ? e.instancePath.replace(/^\//, '').replace(/\//g, '.') : '(top level)';
  switch (e.keyword) {
    case 'required': return `${path}: missing required "${(e.params as { missingProperty: string }).missingProperty}"`;
    case 'additionalProperties': {
      const k = (e.params as { additionalProperty: string }).additionalProperty;
      return `${path}: unknown property "${k}"${didYouMean(k, knownKeys(path))} (remove it or check its spelling)`;
    }
    case 'minProperties': return `${path}: empty: give at least one threshold (e.g. "corrMin": 0.999), or the case would pass whatever the images are`;
    case 'pattern': return /\.id$/.test(path) ? `${path}: a case id must be one word without spaces, newlines or control characters` : `${path}: ${e.message ?? e.keyword}`;
    case 'enum': return `${path}: must be one of ${JSON.stringify((e.params as { allowedValues: unknown[] }).allowedValues)}`;
    case 'oneOf': return /\.roi$/.test(path)
      ? `${path}: expected [x0, x1, y0, y1], "x0,x1,y0,y1" or {"x0", "x1", "y0", "y1"} (fast min, fast max, slow min, slow max; whole pixels ≥ 0, inclusive)`
      : `${path}: must be a string of flags ("-mat A.mat -N 5") or a list of strings`;
    default: return `${path}: ${e.message ?? e.keyword}`;
  }
}

/** The keys allowed at a JSON path, for "did you mean". */
function knownKeys(path: string): string[] {
  if (/thresholds$/.test(path)) return Object.keys(thresholdsSchema.properties);
  if (/roi$/.test(path)) return ['x0', 'x1', 'y0', 'y1'];
  if (/embedded\.(reference|candidate)$/.test(path)) return Object.keys(embeddedSchema.properties);
  if (/embedded$/.test(path)) return ['reference', 'candidate'];
  if (/^cases\.\d+$/.test(path)) return Object.keys(USER_CASES_SCHEMA.properties.cases.items.properties);
  return Object.keys(USER_CASES_SCHEMA.properties);
}

export function loadUserCases(file: string): Promise<LoadResult> {
  return loadCaseFile(file, parseUserCases);
}

export function parseUserCases(text: string, file: string): LoadResult {
  let data: unknown;
  try {
    // A byte-order mark (Windows editors add one) is not JSON, but it is not the user's mistake either.
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    return { cases: [], errors: [`${file}: not valid JSON (${(err as Error).message}); fix the syntax, ${HINT}`], unreadable: [file] };
  }
  const errors: string[] = [];
  const validate = validator();
  if (!validate(data)) {
    const errs = (validate.errors ?? []).filter((e) => e.keyword !== 'if');
    // Errors inside one case only drop that case; errors at the top level drop the file.
    const badCases = new Set<number>();
    for (const e of errs) {
      const m = /^\/cases\/(\d+)/.exec(e.instancePath);
      if (m) badCases.add(Number(m[1]));
      else if (e.instancePath === '' || e.instancePath === '/cases') badCases.add(-1);
    }
    for (const e of dedupe(errs)) errors.push(`${file}: ${explain(e)}; ${HINT}`);
    if (badCases.has(-1) || !data || typeof data !== 'object' || !Array.isArray((data as { cases?: unknown }).cases)) {
      return { cases: [], errors, unreadable: [file] };
    }
    (data as { cases: unknown[] }).cases = (data as { cases: unknown[] }).cases.map((c, i) => (badCases.has(i) ? null : c));
  }
  const cases: Case[] = [];
  const list = (data as { cases: (RawCase | null)[] }).cases;
  list.forEach((raw, i) => {
    if (!raw) return;
    let flags: string[];
    try { flags = typeof raw.flags === 'string' ? splitArgs(raw.flags) : [...raw.flags]; } catch (e) {
      errors.push(`${file}: cases.${i}.flags: ${(e as Error).message}`); return;
    }
    let roi: Roi | undefined;
    // The schema checks the shape; max below min is checked here (the case is skipped, never judged on the full frame).
    try { roi = raw.roi === undefined ? undefined : roiFromValue(raw.roi, ''); } catch (e) {
      errors.push(`${file}: cases.${i}.roi: ${(e as Error).message.trim()}; the case is not run; ${HINT}`); return;
    }
    cases.push({
      id: raw.id,
      label: raw.label ?? raw.id,
      description: raw.description,
      source: 'user',
      flags,
      fileStem: raw.fileStem ?? stemFor(raw.id),
      thresholds: { ...raw.thresholds },
      location: { file, line: lineOfId(text, raw.id) },
      embedded: raw.embedded,
      ...(roi ? { roi } : {}),
    });
  });
  return { cases, errors };
}

interface RawCase {
  id: string; label?: string; description?: string; flags: string | string[]; fileStem?: string;
  thresholds: Case['thresholds']; roi?: unknown; embedded?: { reference?: EmbeddedOptions; candidate?: EmbeddedOptions };
}

function dedupe(errs: ErrorObject[]): ErrorObject[] {
  const seen = new Set<string>();
  return errs.filter((e) => {
    // oneOf failures also report each branch's own error: keep the oneOf summary only.
    if (e.keyword !== 'oneOf' && errs.some((o) => o.keyword === 'oneOf' && e.instancePath.startsWith(o.instancePath) && o !== e)) return false;
    const k = `${e.instancePath}|${e.keyword}|${JSON.stringify(e.params)}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** 0-based line of `"id": "<id>"` in the source text (for editors); 0 when not found. */
function lineOfId(text: string, id: string): number {
  const re = new RegExp(`"id"\\s*:\\s*${JSON.stringify(id).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);
  const m = re.exec(text);
  return m ? text.slice(0, m.index).split('\n').length - 1 : 0;
}

// JUnit XML of a parity run (`nb-parity run --junit FILE`), in the shape pytest's junitxml writes and CI systems read:
// one <testsuite> for the bundle, one <testcase> per run (classname = the YAML case id, name = the run name),
// <failure> with the verdict for a threshold miss, <error> for a run that crashed, <skipped> for a cancelled one, and
// the metrics in <system-out>. Bundle, engines and stamp go in the suite's <properties>.
import { hostname } from 'node:os';
import type { Bundle, CaseResult, EngineId, EngineRun } from '../../shared/types.ts';
import { reusedFrom } from '../../shared/reusedRun.ts';
import { num } from '../evidence/texts.ts';
import { failingText, splitCaseId } from './matrix.ts';

/** XML 1.0 allows only these characters; anything else (NUL, other C0 controls, lone surrogates) becomes U+FFFD. */
const INVALID_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function xmlText(s: string): string {
  return s.replace(INVALID_XML, '\uFFFD').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Attribute values: quotes escaped, and newlines/tabs as character references so parsers keep them. */
export function xmlAttr(s: string): string {
  return xmlText(s).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}

/** Text inside an element: CDATA would need "]]>" split; escaping is simpler and always valid. */
const seconds = (ms: number) => (Math.max(0, ms) / 1000).toFixed(3);

function caseSeconds(c: CaseResult): number {
  return Math.max(c.reference.wallMs ?? 0, c.candidate.wallMs ?? 0);
}

function sideText(r: EngineRun): string {
  const reused = reusedFrom(r);
  return `${r.engine} ${seconds(r.wallMs ?? 0)} s${reused ? ` (reused, not run: copied from ${reused.from})` : ''}`;
}

function metricsOut(c: CaseResult, bundleDir: string): string {
  const m = c.metrics;
  const lines = [
    `verdict: ${c.verdict.status} — ${c.verdict.reason}`,
    `correlation: ${num(m?.correlation)}`,
    `sum_ratio: ${num(m?.sumRatio)}`,
    `max_abs_diff: ${num(m?.maxAbsDiff)}`,
    `rmse: ${num(m?.rmse)}`,
    `reference: ${sideText(c.reference)}`,
    `candidate: ${sideText(c.candidate)}`,
    `bundle: ${bundleDir}`,
  ];
  return lines.join('\n');
}

function testcase(c: CaseResult, bundleDir: string): string {
  const { group, run } = splitCaseId(c.caseId);
  const open = `    <testcase classname="${xmlAttr(group)}" name="${xmlAttr(run || group)}" time="${seconds(caseSeconds(c))}">`;
  const body: string[] = [];
  const cancelled = c.reference.cancelled || c.candidate.cancelled;
  if (c.verdict.status === 'fail') {
    body.push(`      <failure message="${xmlAttr(c.verdict.reason)}" type="threshold">${xmlText(failingText(c) || c.verdict.reason)}</failure>`);
  } else if (c.verdict.status === 'error' && cancelled) {
    body.push(`      <skipped message="${xmlAttr(`cancelled: ${c.verdict.reason}`)}"/>`);
  } else if (c.verdict.status === 'error') {
    const detail = [c.reference.error, c.candidate.error].filter(Boolean).join('\n') || c.verdict.reason;
    body.push(`      <error message="${xmlAttr(c.verdict.reason)}" type="error">${xmlText(detail)}</error>`);
  }
  body.push(`      <system-out>${xmlText(metricsOut(c, bundleDir))}</system-out>`);
  return [open, ...body, '    </testcase>'].join('\n');
}

export interface JunitCounts { tests: number; failures: number; errors: number; skipped: number }

export function junitCounts(b: Bundle): JunitCounts {
  const n = { tests: b.cases.length, failures: 0, errors: 0, skipped: 0 };
  for (const c of b.cases) {
    if (c.verdict.status === 'fail') n.failures++;
    else if (c.verdict.status === 'error' && (c.reference.cancelled || c.candidate.cancelled)) n.skipped++;
    else if (c.verdict.status === 'error') n.errors++;
  }
  return n;
}

export function junitXml(b: Bundle, opts: { reference: EngineId; candidate: EngineId }): string {
  const n = junitCounts(b);
  const time = seconds(b.wallMs ?? b.cases.reduce((t, c) => t + caseSeconds(c), 0));
  const counts = `tests="${n.tests}" failures="${n.failures}" errors="${n.errors}" skipped="${n.skipped}" time="${time}"`;
  const props: [string, string][] = [
    ['bundle', b.dir], ['stamp', b.stamp], ['reference', opts.reference], ['candidate', opts.candidate], ...(b.workspace ? [['workspace', b.workspace] as [string, string]] : []),
  ];
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="nb-parity" ${counts}>`,
    `  <testsuite name="nb-parity ${xmlAttr(b.stamp)}" ${counts} timestamp="${xmlAttr(b.createdAt.replace(/Z$/, ''))}" hostname="${xmlAttr(hostname())}">`,
    '    <properties>',
    ...props.map(([k, v]) => `      <property name="${xmlAttr(k)}" value="${xmlAttr(v)}"/>`),
    '    </properties>',
    ...b.cases.map((c) => testcase(c, b.dir)),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

// The pixel-trace section of the results page: "Trace max-|Δ| pixel" / Cancel buttons, the progress line, the
// verdict sentence, and the table (traceTable.ts) with the first divergence highlighted and scrolled into view.
import type { TracePixelRequest, TraceView } from '../../src/shared/traceMessages.ts';
import { clear, h } from './dom.ts';
import { traceTableLayout } from './traceTable.ts';

export interface TraceEvents {
  /** Ask the host to trace `pixel` of `caseId` (a click, the readout's button, or the max-|Δ| button). */
  onTrace(caseId: string, pixel: TracePixelRequest): void;
  onCancel(): void;
}

export class TracePanel {
  readonly element: HTMLElement;
  private readonly state: HTMLElement;
  private readonly body: HTMLElement;
  private readonly maxBtn: HTMLButtonElement;
  private readonly cancelBtn: HTMLButtonElement;
  private caseId?: string;
  private busy = false;

  constructor(private readonly events: TraceEvents) {
    this.maxBtn = h('button', { type: 'button', 'data-testid': 'btn-trace-max', title: 'Trace the pixel with the largest finite |Δ| of this case on both sides and name the first divergence', onclick: () => { if (this.caseId) this.events.onTrace(this.caseId, 'max-delta'); } }, 'Trace max-|Δ| pixel');
    this.cancelBtn = h('button', { type: 'button', 'data-testid': 'btn-trace-cancel', hidden: true, onclick: () => this.events.onCancel() }, 'Cancel trace');
    this.state = h('p', { class: 'muted', 'data-testid': 'trace-state', 'aria-live': 'polite' }, 'Click a pixel of an image (or use “Trace this pixel” in the readout) to trace it in both simulators.');
    this.body = h('div', { 'data-testid': 'trace-body' });
    this.element = h('section', { class: 'trace', 'data-testid': 'trace-section', 'aria-label': 'Pixel trace' },
      h('h3', {}, 'Pixel trace: the first divergence'),
      h('div', { class: 'toolbar' }, this.maxBtn, this.cancelBtn), this.state, this.body);
  }

  /** The case the max-|Δ| button traces (the first case, or the one last hovered). */
  setCase(caseId: string | undefined, allowed: boolean): void {
    this.caseId = caseId;
    this.element.hidden = !caseId || !allowed;
    this.sync();
  }

  started(caseId: string, pixel: TracePixelRequest): void {
    this.busy = true;
    const where = typeof pixel === 'string' ? (pixel === 'max-delta' ? 'the max-|Δ| pixel' : 'the peak pixel') : `pixel (${pixel.slow}, ${pixel.fast})`;
    this.state.textContent = `Tracing ${caseId} at ${where} on both sides…`;
    this.state.dataset.state = 'running';
    this.sync();
  }

  progress(message: string): void {
    if (this.busy) this.state.textContent = message;
  }

  /** The request's answer: success after `show`, or a failure / cancellation worded by the host. */
  finished(ok: boolean, message?: string): void {
    this.busy = false;
    if (!ok) { this.state.textContent = message ?? 'The trace failed.'; this.state.dataset.state = 'failed'; }
    this.sync();
  }

  show(view: TraceView): void {
    this.state.textContent = `${view.caseId} at (${view.pixel.slow}, ${view.pixel.fast}), pixel from ${view.pixelSource}${view.wallMs !== undefined ? ` · ${(view.wallMs / 1000).toFixed(2)} s` : ''}`;
    this.state.dataset.state = 'done';
    clear(this.body);
    const layout = traceTableLayout(view);
    const verdict = h('p', { class: `trace-verdict trace-verdict-${view.verdict}`, 'data-testid': 'trace-verdict', 'data-verdict': view.verdict }, view.text);
    const files = h('p', { class: 'muted', 'data-testid': 'trace-files' }, `Filed in the bundle: ${view.files.markdown}, ${view.files.diff}, ${view.files.reference}, ${view.files.candidate}`);
    const table = h('table', { class: 'trace-table', 'data-testid': 'trace-table' },
      h('caption', {}, `${layout.differing} row${layout.differing === 1 ? '' : 's'} differ beyond precision (artefacts dimmed)${layout.formatOnly ? `; ${layout.formatOnly} names printed by one side only are not shown` : ''}`),
      h('thead', {}, h('tr', {}, ...['Name', 'Reference', 'Candidate', 'Rel. difference', 'Class'].map((t) => h('th', { scope: 'col' }, t)))));
    let focus: HTMLElement | undefined;
    for (const s of layout.sections) {
      const tbody = h('tbody', { 'data-group': s.title }, h('tr', { class: 'trace-group' }, h('th', { colspan: 5, scope: 'rowgroup' }, s.title)));
      for (const r of s.rows) {
        const tr = h('tr', { class: r.classes.join(' '), 'data-key': r.key, 'data-testid': `trace-row-${r.key}`, title: r.note },
          h('td', {}, r.cells.name, r.note ? h('div', { class: 'trace-note' }, r.note) : null),
          h('td', { class: 'num' }, r.cells.reference), h('td', { class: 'num' }, r.cells.candidate),
          h('td', { class: 'num' }, r.cells.relDiff), h('td', {}, r.classes.includes('trace-first') ? `${r.cells.class} · first divergence` : r.cells.class));
        if (r.key === layout.focusKey) { tr.setAttribute('aria-current', 'true'); focus = tr; }
        tbody.append(tr);
      }
      table.append(tbody);
    }
    this.body.append(verdict, table, files);
    focus?.scrollIntoView({ block: 'center' });
  }

  private sync(): void {
    this.maxBtn.disabled = this.busy || !this.caseId;
    this.cancelBtn.hidden = !this.busy;
  }
}

// What a results webview document has of a bundle's images: the pixels read from disk, the max-binned previews of
// the large ones, and which images (preview or full) were posted to this document. A hidden webview loses its
// document, so `forget()` starts the bookkeeping over while the pixels stay loaded.
import { imageMessage, previewImageMessage, type HostToWebview } from '../../shared/messages.ts';
import { firstDelivery, maxBin } from '../../shared/preview.ts';
import type { OutgoingImage } from './viewModel.ts';
import type { PaintTimeline } from './firstPaint.ts';
import { errorText, type Log } from '../log.ts';

type Answer = { ok: boolean; message?: string };

export class ImageDelivery {
  /** Pixels by `${caseId}/${role}`. */
  readonly pixels = new Map<string, Float32Array>();
  /** Max-binned previews of the large images, by `${caseId}/${role}` (computed once per load). */
  private readonly previews = new Map<string, Float32Array>();
  /** Image ids delivered to this webview document (preview or full). */
  private readonly sent = new Set<string>();
  /** Image ids whose full resolution this webview document already has. */
  private readonly fullSent = new Set<string>();

  constructor(private readonly post: (m: HostToWebview) => Promise<boolean>, private readonly log: Log, private readonly timeline: PaintTimeline) {}

  /** A new bundle: no pixels, no previews. */
  clear(): void { this.pixels.clear(); this.previews.clear(); }

  /** A new webview document (or snapshot): nothing delivered yet. */
  forget(): void { this.sent.clear(); this.fullSent.clear(); }

  notSent(refs: OutgoingImage[]): OutgoingImage[] { return refs.filter((ref) => !this.sent.has(ref.id)); }

  /** Posts an image again on the webview's request. */
  resend(ref: OutgoingImage): Promise<boolean> {
    this.sent.delete(ref.id);
    return this.send(ref);
  }

  /** First deliveries (previews where large), then the full images of the quick previews (preview.ts firstDelivery). */
  async sendAll(refs: OutgoingImage[]): Promise<void> {
    for (const ref of refs) await this.send(ref);
    for (const ref of refs) if (firstDelivery(ref.fpixels, ref.spixels).fullFollows && this.sent.has(ref.id)) await this.sendFull(ref);
  }

  /** The full-resolution image after a preview; at most once per webview document and snapshot. */
  async sendFull(ref: OutgoingImage): Promise<Answer> {
    if (this.fullSent.has(ref.id)) return { ok: true, message: `${ref.caseId} ${ref.role}: full resolution already sent.` };
    const img = this.pixels.get(`${ref.caseId}/${ref.role}`);
    if (!img) return { ok: false, message: `${ref.caseId} ${ref.role}: the image is still loading (or could not be read); try again in a moment.` };
    this.fullSent.add(ref.id);
    this.sent.add(ref.id);
    const t0 = Date.now();
    const ok = await this.post(imageMessage(ref, img));
    if (!ok) { this.fullSent.delete(ref.id); return { ok: false, message: `${ref.caseId} ${ref.role}: the full image could not be posted (panel hidden?).` }; }
    this.log.info(`results panel: full ${ref.fpixels}×${ref.spixels} ${ref.caseId} ${ref.role} posted in ${Date.now() - t0} ms`);
    return { ok: true };
  }

  /** First delivery of an image: a max-binned preview when it is large (unless the full one went already), else full. */
  async send(ref: OutgoingImage): Promise<boolean> {
    const key = `${ref.caseId}/${ref.role}`;
    const img = this.pixels.get(key);
    if (!img) return false;
    const { k } = firstDelivery(ref.fpixels, ref.spixels);
    const full = k === 1 || this.fullSent.has(ref.id);
    this.sent.add(ref.id);
    try {
      let msg;
      if (full) msg = imageMessage(ref, img);
      else {
        let preview = this.previews.get(key);
        if (!preview) { preview = maxBin(img, ref.fpixels, ref.spixels, k); this.previews.set(key, preview); }
        msg = previewImageMessage(ref, preview, k);
      }
      this.timeline.mark('imagePosting');
      const ok = await this.post(msg);
      this.timeline.mark('imagePosted');
      if (!ok) this.sent.delete(ref.id);
      else if (full) this.fullSent.add(ref.id);
      return ok;
    } catch (err) {
      this.sent.delete(ref.id);
      this.log.error(`results panel: ${errorText(err)}`);
      await this.post({ type: 'hostError', message: errorText(err), caseId: ref.caseId });
      return false;
    }
  }
}

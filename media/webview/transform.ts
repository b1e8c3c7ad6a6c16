// Linked zoom and pan. One ViewTransform is shared by every canvas of a case (all images have the same size),
// so a zoom or drag on one image moves them all. Coordinates: image space has pixel (s, f) covering
// [f, f+1) × [s, s+1); canvas space is CSS pixels of a canvas of size w × h.

export interface ViewTransform {
  /** 1 = the whole image fits the canvas. */
  zoom: number;
  /** Image point (fast, slow) shown at the canvas centre. */
  cx: number;
  cy: number;
}

export const MIN_ZOOM = 1;
export const MAX_ZOOM = 256;

export function initialTransform(fpixels: number, spixels: number): ViewTransform {
  return { zoom: 1, cx: fpixels / 2, cy: spixels / 2 };
}

/** Canvas pixels per image pixel. */
export function pixelScale(t: ViewTransform, fpixels: number, spixels: number, w: number, h: number): number {
  return Math.min(w / fpixels, h / spixels) * t.zoom;
}

export function imageToCanvas(t: ViewTransform, fpixels: number, spixels: number, w: number, h: number, x: number, y: number): [number, number] {
  const k = pixelScale(t, fpixels, spixels, w, h);
  return [w / 2 + (x - t.cx) * k, h / 2 + (y - t.cy) * k];
}

export function canvasToImage(t: ViewTransform, fpixels: number, spixels: number, w: number, h: number, px: number, py: number): [number, number] {
  const k = pixelScale(t, fpixels, spixels, w, h);
  return [t.cx + (px - w / 2) / k, t.cy + (py - h / 2) / k];
}

/** Integer pixel (slow, fast) under a canvas point, or undefined outside the image. */
export function pixelAt(t: ViewTransform, fpixels: number, spixels: number, w: number, h: number, px: number, py: number): { slow: number; fast: number } | undefined {
  const [x, y] = canvasToImage(t, fpixels, spixels, w, h, px, py);
  const fast = Math.floor(x), slow = Math.floor(y);
  if (fast < 0 || slow < 0 || fast >= fpixels || slow >= spixels) return undefined;
  return { slow, fast };
}

/** Keep the centre inside the image so the picture can never be panned out of sight. */
export function clampTransform(t: ViewTransform, fpixels: number, spixels: number): ViewTransform {
  const zoom = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, Number.isFinite(t.zoom) ? t.zoom : 1));
  const cx = Math.min(fpixels, Math.max(0, Number.isFinite(t.cx) ? t.cx : fpixels / 2));
  const cy = Math.min(spixels, Math.max(0, Number.isFinite(t.cy) ? t.cy : spixels / 2));
  return { zoom, cx, cy };
}

/** Zoom by `factor`, keeping the image point under canvas point (px, py) fixed (wheel zoom); default = canvas centre. */
export function zoomAt(t: ViewTransform, factor: number, fpixels: number, spixels: number, w: number, h: number, px = w / 2, py = h / 2): ViewTransform {
  const [ax, ay] = canvasToImage(t, fpixels, spixels, w, h, px, py);
  const zoom = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, t.zoom * factor));
  const k = pixelScale({ ...t, zoom }, fpixels, spixels, w, h);
  return clampTransform({ zoom, cx: ax - (px - w / 2) / k, cy: ay - (py - h / 2) / k }, fpixels, spixels);
}

/** Move the picture by (dx, dy) canvas pixels (a drag to the right shows what is left of the view). */
export function panBy(t: ViewTransform, dx: number, dy: number, fpixels: number, spixels: number, w: number, h: number): ViewTransform {
  const k = pixelScale(t, fpixels, spixels, w, h);
  return clampTransform({ zoom: t.zoom, cx: t.cx - dx / k, cy: t.cy - dy / k }, fpixels, spixels);
}

/** Visible image rectangle (fast0, slow0, width, height), clipped to the image: what drawImage needs. */
export function visibleRect(t: ViewTransform, fpixels: number, spixels: number, w: number, h: number): { x: number; y: number; w: number; h: number } {
  const [x0, y0] = canvasToImage(t, fpixels, spixels, w, h, 0, 0);
  const [x1, y1] = canvasToImage(t, fpixels, spixels, w, h, w, h);
  const x = Math.max(0, x0), y = Math.max(0, y0);
  return { x, y, w: Math.min(fpixels, x1) - x, h: Math.min(spixels, y1) - y };
}

import type { Page } from 'playwright-core';

export interface PixelDiff {
  width: number;
  height: number;
  /** Pixels compared: those inside the element's rounded shape. */
  compared: number;
  /** Compared pixels whose colour differs by more than `tolerance` in some channel. */
  differing: number;
}

/**
 * Compare two PNG screenshots of the same element, decoded by the browser (no PNG
 * library needed). Only pixels inside the rounded rectangle of `radius` are compared:
 * an element screenshot also holds the page behind its rounded corners, which differs
 * between host pages by design. A size mismatch is returned as differing = -1.
 */
export async function comparePngs(page: Page, a: Buffer, b: Buffer, radius: number, tolerance = 8): Promise<PixelDiff> {
  return page.evaluate(
    async ({ a, b, radius, tolerance }) => {
      const load = (src: string) =>
        new Promise<HTMLImageElement>((resolve, reject) => {
          const img = new Image();
          img.onload = () => resolve(img);
          img.onerror = () => reject(new Error('cannot decode PNG'));
          img.src = src;
        });
      const pixels = (img: HTMLImageElement) => {
        const canvas = document.createElement('canvas');
        canvas.width = img.width;
        canvas.height = img.height;
        const ctx = canvas.getContext('2d')!;
        ctx.drawImage(img, 0, 0);
        return ctx.getImageData(0, 0, img.width, img.height).data;
      };
      const [ia, ib] = await Promise.all([load(a), load(b)]);
      const width = ia.width;
      const height = ia.height;
      if (ib.width !== width || ib.height !== height) return { width, height, compared: 0, differing: -1 };
      const pa = pixels(ia);
      const pb = pixels(ib);
      // Inside the rounded rectangle, 1.5 px in from its edge (anti-aliasing blends in the page).
      const r = Math.min(radius, width / 2, height / 2);
      const inside = (x: number, y: number) => {
        const cx = x + 0.5;
        const cy = y + 0.5;
        const m = 1.5;
        if (cx < m || cy < m || cx > width - m || cy > height - m) return false;
        const dx = cx < r ? r - cx : cx > width - r ? cx - (width - r) : 0;
        const dy = cy < r ? r - cy : cy > height - r ? cy - (height - r) : 0;
        return dx * dx + dy * dy <= (r - m) * (r - m);
      };
      let compared = 0;
      let differing = 0;
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          if (!inside(x, y)) continue;
          compared++;
          const i = (y * width + x) * 4;
          if (Math.abs(pa[i]! - pb[i]!) > tolerance || Math.abs(pa[i + 1]! - pb[i + 1]!) > tolerance || Math.abs(pa[i + 2]! - pb[i + 2]!) > tolerance) differing++;
        }
      }
      return { width, height, compared, differing };
    },
    { a: `data:image/png;base64,${a.toString('base64')}`, b: `data:image/png;base64,${b.toString('base64')}`, radius, tolerance },
  );
}

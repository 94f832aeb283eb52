/** @file How the digits data set draws a glyph: polylines in the unit square rasterized with a soft stroke (no library imports: the playground page draws with it too). */

/** a point in the unit square (x right, y down) */
export type Point = readonly [number, number];

const distToSegment = (px: number, py: number, [ax, ay]: Point, [bx, by]: Point): number => {
  const dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
};

/** the glyphs' stroke: full ink within `WIDTH` of a stroke's centre line, fading to none over `SOFT` more (units of the image side) */
const WIDTH = 0.07, SOFT = 0.05;
/**
 * Rasterizes polylines in the unit square (x right, y down) to a size × size image, as every glyph
 * of the data set is drawn: white (1) strokes on black (0), anti-aliased by the distance to the nearest segment.
 */
export const renderStrokes = (strokes: readonly (readonly Point[])[], size: number): Float32Array => {
  const img = new Float32Array(size * size);
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      const px = (c + 0.5) / size, py = (r + 0.5) / size;
      let d = Infinity;
      for (const line of strokes) {
        if (line.length === 1) d = Math.min(d, distToSegment(px, py, line[0]!, line[0]!));
        for (let i = 1; i < line.length; i++) d = Math.min(d, distToSegment(px, py, line[i - 1]!, line[i]!));
      }
      img[r * size + c] = Math.max(0, Math.min(1, 1 - (d - WIDTH) / SOFT));
    }
  }
  return img;
};

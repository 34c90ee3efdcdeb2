// Colours: Okabe-Ito for classes (readable with the common colour-vision deficiencies), and a
// blue-white-orange diverging map for signed values.

const CLASSES = [
  [0, 114, 178], [230, 159, 0], [0, 158, 115], [204, 121, 167], [86, 180, 233],
  [213, 94, 0], [240, 228, 66], [0, 0, 0], [136, 34, 85], [153, 153, 153],
];

export function classRgb(index) {
  return CLASSES[((index % CLASSES.length) + CLASSES.length) % CLASSES.length];
}

export function classCss(index, alpha = 1) {
  const [r, g, b] = classRgb(index);
  return `rgba(${r},${g},${b},${alpha})`;
}

const NEGATIVE = [33, 102, 172];
const POSITIVE = [213, 94, 0];

/** v clamped to [-1, 1], 0 for NaN. */
function signedUnit(v) {
  return Math.max(-1, Math.min(1, Number.isFinite(v) ? v : 0));
}

/** v in [-1, 1] to RGB: blue below 0, white at 0, orange above. */
export function divergingRgb(v) {
  const t = signedUnit(v);
  const c = t < 0 ? NEGATIVE : POSITIVE;
  const a = Math.abs(t);
  return [255 + (c[0] - 255) * a, 255 + (c[1] - 255) * a, 255 + (c[2] - 255) * a];
}

/**
 * Writes colour c faded towards white (t = 0 white, 1 the full colour) as opaque pixel k of an
 * ImageData's data. Heat maps write thousands of pixels a frame, so nothing is allocated.
 */
function putFadedColour(data, k, c, t) {
  const o = 4 * k;
  data[o] = 255 + (c[0] - 255) * t;
  data[o + 1] = 255 + (c[1] - 255) * t;
  data[o + 2] = 255 + (c[2] - 255) * t;
  data[o + 3] = 255;
}

/** Writes divergingRgb(v) as opaque pixel k of an ImageData's data. */
export function putDiverging(data, k, v) {
  const t = signedUnit(v);
  putFadedColour(data, k, t < 0 ? NEGATIVE : POSITIVE, Math.abs(t));
}

/** Writes class index's colour faded towards white (t = 0 white, 1 the full colour) as opaque pixel k. */
export function putFaded(data, k, index, t) {
  putFadedColour(data, k, classRgb(index), t);
}

/** Writes an opaque RGB pixel k. */
export function putRgb(data, k, r, g, b) {
  const o = 4 * k;
  data[o] = r;
  data[o + 1] = g;
  data[o + 2] = b;
  data[o + 3] = 255;
}

export const SERIES = {
  train: '#0072B2',
  trainEpoch: '#004a75',
  validation: '#D55E00',
  marker: '#555',
};

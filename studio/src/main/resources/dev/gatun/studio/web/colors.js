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

/** The class colour faded towards white: t = 0 is white, 1 the full colour. */
export function fadedRgb(index, t) {
  const [r, g, b] = classRgb(index);
  return [255 + (r - 255) * t, 255 + (g - 255) * t, 255 + (b - 255) * t];
}

const NEGATIVE = [33, 102, 172];
const POSITIVE = [213, 94, 0];

/** v in [-1, 1] to RGB: blue below 0, white at 0, orange above. */
export function divergingRgb(v) {
  const t = Math.max(-1, Math.min(1, Number.isFinite(v) ? v : 0));
  const [r, g, b] = t < 0 ? NEGATIVE : POSITIVE;
  const a = Math.abs(t);
  return [255 + (r - 255) * a, 255 + (g - 255) * a, 255 + (b - 255) * a];
}

export const SERIES = {
  train: '#0072B2',
  trainEpoch: '#004a75',
  validation: '#D55E00',
  marker: '#555',
};

// The data in 3-D: three chosen features as a point cloud in a box, turned by dragging or the
// arrow keys. A plain perspective projection on a 2-D canvas, drawn back to front; it redraws
// only when the data or the view angle changes, in the views' frame.
import {scheduleInView} from './frame.js';
import {classCss, classRgb} from './colors.js';
import {drawPoint, whiteCanvas} from './boundary.js';

const START = {yaw: -0.6, pitch: 0.35};
const RADIANS_PER_PIXEL = 0.01;
const KEY_STEP = 0.15;
const CAMERA = 4;
const EDGES = [[0, 1], [2, 3], [4, 5], [6, 7], [0, 2], [1, 3], [4, 6], [5, 7], [0, 4], [1, 5], [2, 6], [3, 7]];

/** [lo, hi] of the finite values, or null when there are none. */
function extent(values) {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v !== null && Number.isFinite(v)) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  return lo <= hi ? [lo, hi] : null;
}

/** Maps values into [-1, 1] over their extent (a constant column sits at 0). */
function scaler(values) {
  const e = extent(values) ?? [0, 0];
  const half = (e[1] - e[0]) / 2;
  const mid = (e[0] + e[1]) / 2;
  return (v) => (v === null || !Number.isFinite(v) ? NaN : half > 0 ? (v - mid) / half : 0);
}

export class Scatter3dView {
  /**
   * @param canvas the drawing; it gets data-points (the points drawn) and data-yaw / data-pitch
   * @param caption the text under it
   * @param reset the button that turns the view back to its start
   */
  constructor(canvas, caption, reset) {
    this.canvas = canvas;
    this.caption = caption;
    this.redraw = () => this.draw();
    this.angles = {...START};
    this.clear();
    canvas.addEventListener('pointerdown', (e) => this.grab(e));
    canvas.addEventListener('pointermove', (e) => this.drag(e));
    canvas.addEventListener('pointerup', (e) => this.release(e));
    canvas.addEventListener('pointercancel', (e) => this.release(e));
    canvas.addEventListener('keydown', (e) => this.key(e));
    reset.addEventListener('click', () => this.turnTo(START.yaw, START.pitch));
  }

  clear() {
    this.data = null;
    this.canvas.dataset.points = '0';
    scheduleInView(this.canvas, this.redraw);
  }

  /** A `data` event: drawn when it carries a third feature (`z`). */
  setData(data) {
    this.data = Array.isArray(data.z) ? data : null;
    scheduleInView(this.canvas, this.redraw);
  }

  grab(e) {
    this.dragging = {x: e.clientX, y: e.clientY, yaw: this.angles.yaw, pitch: this.angles.pitch};
    this.canvas.setPointerCapture(e.pointerId);
    this.canvas.focus();
  }

  drag(e) {
    if (!this.dragging) {
      return;
    }
    const d = this.dragging;
    this.turnTo(d.yaw + (e.clientX - d.x) * RADIANS_PER_PIXEL, d.pitch + (e.clientY - d.y) * RADIANS_PER_PIXEL);
  }

  release(e) {
    this.dragging = null;
    if (this.canvas.hasPointerCapture(e.pointerId)) {
      this.canvas.releasePointerCapture(e.pointerId);
    }
  }

  key(e) {
    const turns = {ArrowLeft: [-KEY_STEP, 0], ArrowRight: [KEY_STEP, 0], ArrowUp: [0, -KEY_STEP], ArrowDown: [0, KEY_STEP]};
    const turn = turns[e.key];
    if (turn) {
      e.preventDefault();
      this.turnTo(this.angles.yaw + turn[0], this.angles.pitch + turn[1]);
    }
  }

  turnTo(yaw, pitch) {
    // Past straight up or down the box would flip over.
    const limit = Math.PI / 2;
    this.angles = {yaw, pitch: Math.max(-limit, Math.min(limit, pitch))};
    this.canvas.dataset.yaw = this.angles.yaw.toFixed(3);
    this.canvas.dataset.pitch = this.angles.pitch.toFixed(3);
    // A turn is drawn in the next animation frame, not in the throttled frame of the views: it
    // follows the user's hand, and lasts only as long as the user turns.
    if (!this.turning) {
      this.turning = true;
      requestAnimationFrame(() => {
        this.turning = false;
        this.draw();
      });
    }
  }

  /** Screen position and depth of a point of the [-1, 1] cube under the current angles. */
  project(x, y, z) {
    const {yaw, pitch} = this.angles;
    const x1 = x * Math.cos(yaw) + z * Math.sin(yaw);
    const z1 = -x * Math.sin(yaw) + z * Math.cos(yaw);
    const y2 = y * Math.cos(pitch) - z1 * Math.sin(pitch);
    const z2 = y * Math.sin(pitch) + z1 * Math.cos(pitch);
    const size = Math.min(this.canvas.width, this.canvas.height);
    const scale = size * 0.27 * CAMERA / (CAMERA + z2);
    return {sx: this.canvas.width / 2 + x1 * scale, sy: this.canvas.height / 2 - y2 * scale, depth: z2};
  }

  draw() {
    const canvas = this.canvas;
    const ctx = whiteCanvas(canvas);
    const data = this.data;
    if (!data) {
      canvas.dataset.points = '0';
      this.caption.textContent = '';
      return;
    }
    const regression = Array.isArray(data.yFeature);
    const ys = regression ? data.yFeature : data.y;
    const [sx, sy, sz] = [scaler(data.x), scaler(ys), scaler(data.z)];
    this.drawBox(ctx, [data.xName ?? 'x', data.yName ?? 'y', data.zName ?? 'z']);
    const colourOf = regression ? targetColours(data.y) : (i) => classCss(data.label[i] ?? 0);
    const points = [];
    const n = Math.min(data.x.length, ys.length, data.z.length);
    for (let i = 0; i < n; i++) {
      const p = this.project(sx(data.x[i]), sy(ys[i]), sz(data.z[i]));
      if (Number.isFinite(p.sx) && Number.isFinite(p.sy)) {
        points.push({i, ...p});
      }
    }
    // Far points first, so that near ones cover them.
    points.sort((a, b) => b.depth - a.depth);
    for (const p of points) {
      drawPoint(ctx, p.sx, p.sy, colourOf(p.i), data.part && data.part[p.i] === 'validation');
    }
    canvas.dataset.points = String(points.length);
    this.caption.textContent = `x: ${data.xName ?? 'x'}, y: ${data.yName ?? 'y'}, z: ${data.zName ?? 'z'}`
      + (regression ? '; colour is the target' : '') + '; hollow points are validation; drag or use the arrow keys to turn';
  }

  /** The cube's edges, and its three axes from the corner (-1, -1, -1) named at their far ends. */
  drawBox(ctx, names) {
    const corners = [];
    for (const x of [-1, 1]) {
      for (const y of [-1, 1]) {
        for (const z of [-1, 1]) {
          corners.push(this.project(x, y, z));
        }
      }
    }
    ctx.lineWidth = 1;
    ctx.strokeStyle = '#d5dbe3';
    ctx.beginPath();
    for (const [a, b] of EDGES) {
      ctx.moveTo(corners[a].sx, corners[a].sy);
      ctx.lineTo(corners[b].sx, corners[b].sy);
    }
    ctx.stroke();
    const origin = corners[0];
    const ends = [this.project(1.15, -1, -1), this.project(-1, 1.15, -1), this.project(-1, -1, 1.15)];
    ctx.strokeStyle = '#555';
    ctx.fillStyle = '#333';
    ctx.font = '11px sans-serif';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ends.forEach((end, k) => {
      ctx.beginPath();
      ctx.moveTo(origin.sx, origin.sy);
      ctx.lineTo(end.sx, end.sy);
      ctx.stroke();
      // fillText draws the name as text: nothing in it is markup. Kept inside the canvas.
      const text = `${'xyz'[k]}: ${names[k]}`;
      const half = ctx.measureText(text).width / 2 + 2;
      const x = Math.max(half, Math.min(this.canvas.width - half, end.sx));
      const y = Math.max(8, Math.min(this.canvas.height - 8, end.sy));
      ctx.fillText(text, x, y);
    });
  }
}

/** A regression's points coloured by their target, from the lowest (blue) to the highest (orange). */
function targetColours(targets) {
  const e = extent(targets) ?? [0, 0];
  const span = e[1] - e[0] || 1;
  const [low, high] = [classRgb(0), classRgb(5)];
  return (i) => {
    const t = Math.max(0, Math.min(1, (targets[i] - e[0]) / span)) || 0;
    const [r, g, b] = low.map((v, k) => Math.round(v + (high[k] - v) * t));
    return `rgb(${r},${g},${b})`;
  };
}

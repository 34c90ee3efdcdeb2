// The playground's data views on canvas: the decision boundary (class hue, confidence as
// lightness) with the data on top, and for regression the data with the model's fitted curve.
import {scheduleInView} from './frame.js';
import {base64Bytes} from './codec.js';
import {classCss, putFaded} from './colors.js';
import {setText} from './dom.js';

function drawPoints(ctx, data, toX, toY, colourOf) {
  const n = Math.min(data.x.length, data.y.length);
  for (let i = 0; i < n; i++) {
    if (data.x[i] === null || data.y[i] === null) {
      continue;
    }
    const x = toX(data.x[i]);
    const y = toY(data.y[i]);
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      continue;
    }
    drawPoint(ctx, x, y, colourOf(i), data.part && data.part[i] === 'validation');
  }
}

/** Paints the canvas white and returns its 2-D context. */
export function whiteCanvas(canvas) {
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  return ctx;
}

/** One data point: filled in its colour, or hollow (white, ringed in its colour) for validation. */
export function drawPoint(ctx, x, y, colour, validation) {
  ctx.beginPath();
  ctx.arc(x, y, 3, 0, 2 * Math.PI);
  ctx.fillStyle = validation ? 'rgba(255,255,255,0.9)' : colour;
  ctx.fill();
  ctx.lineWidth = validation ? 1.5 : 0.75;
  ctx.strokeStyle = validation ? colour : 'rgba(255,255,255,0.9)';
  ctx.stroke();
}

function range(values, fallback) {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (Number.isFinite(v)) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  if (!Number.isFinite(lo)) {
    return fallback;
  }
  const pad = (hi - lo) * 0.05 || 1;
  return [lo - pad, hi + pad];
}

export class BoundaryView {
  constructor(canvas, caption) {
    this.canvas = canvas;
    this.caption = caption;
    this.redraw = () => this.draw();
    this.clear();
  }

  clear() {
    this.data = null;
    this.grid = null;
    this.boundary = null;
    this.canvas.dataset.step = '0';
    scheduleInView(this.canvas, this.redraw);
  }

  setData(data) {
    this.data = data;
    scheduleInView(this.canvas, this.redraw);
  }

  /** Keeps the latest boundary; it is decoded when drawn, so events between frames cost nothing. */
  setBoundary(boundary) {
    this.boundary = boundary;
    scheduleInView(this.canvas, this.redraw);
  }

  decode(boundary) {
    const cells = base64Bytes(boundary.cells);
    const {width, height} = boundary;
    const image = new ImageData(width, height);
    const classes = Math.max(2, boundary.classes || 2);
    const floor = 1 / classes;
    for (let i = 0; i < width * height && 2 * i + 1 < cells.length; i++) {
      const confidence = cells[2 * i + 1] / 255;
      const t = 0.12 + 0.6 * Math.max(0, (confidence - floor) / (1 - floor));
      putFaded(image.data, i, cells[2 * i], t);
    }
    const bitmap = document.createElement('canvas');
    bitmap.width = width;
    bitmap.height = height;
    bitmap.getContext('2d').putImageData(image, 0, 0);
    this.grid = {bitmap, xMin: boundary.xMin, xMax: boundary.xMax, yMin: boundary.yMin, yMax: boundary.yMax};
    this.canvas.dataset.step = String(boundary.step);
  }

  draw() {
    if (this.boundary) {
      this.decode(this.boundary);
      this.boundary = null;
    }
    const canvas = this.canvas;
    const ctx = whiteCanvas(canvas);
    const data = this.data;
    let xr;
    let yr;
    if (this.grid) {
      xr = [this.grid.xMin, this.grid.xMax];
      yr = [this.grid.yMin, this.grid.yMax];
      ctx.imageSmoothingEnabled = true;
      ctx.drawImage(this.grid.bitmap, 0, 0, canvas.width, canvas.height);
    } else if (data) {
      xr = range(data.x, [-1, 1]);
      yr = range(data.y, [-1, 1]);
    } else {
      setText(this.caption, 'no data yet');
      return;
    }
    const toX = (v) => (v - xr[0]) / (xr[1] - xr[0]) * canvas.width;
    const toY = (v) => (yr[1] - v) / (yr[1] - yr[0]) * canvas.height;
    if (data) {
      drawPoints(ctx, data, toX, toY, (i) => classCss(data.label[i] ?? 0));
      setText(this.caption, `x: ${data.xName ?? 'x'}, y: ${data.yName ?? 'y'}; hollow points are validation`);
    }
  }
}

export class FitView {
  constructor(canvas) {
    this.canvas = canvas;
    this.redraw = () => this.draw();
    this.clear();
  }

  clear() {
    this.data = null;
    this.fit = null;
    scheduleInView(this.canvas, this.redraw);
  }

  setData(data) {
    this.data = data;
    scheduleInView(this.canvas, this.redraw);
  }

  setFit(fit) {
    this.fit = fit;
    scheduleInView(this.canvas, this.redraw);
  }

  draw() {
    const canvas = this.canvas;
    const ctx = whiteCanvas(canvas);
    const data = this.data;
    const fit = this.fit;
    const xs = [...(data ? data.x : []), ...(fit ? fit.x : [])];
    const ys = [...(data ? data.y : []), ...(fit ? fit.y : [])];
    if (xs.length === 0) {
      return;
    }
    const xr = range(xs, [-1, 1]);
    const yr = range(ys, [-1, 1]);
    const toX = (v) => (v - xr[0]) / (xr[1] - xr[0]) * canvas.width;
    const toY = (v) => (yr[1] - v) / (yr[1] - yr[0]) * canvas.height;
    if (data) {
      drawPoints(ctx, data, toX, toY, () => classCss(0, 0.8));
    }
    if (fit && fit.x.length > 0) {
      ctx.beginPath();
      let started = false;
      for (let i = 0; i < fit.x.length; i++) {
        const x = toX(fit.x[i]);
        const y = toY(fit.y[i]);
        if (fit.x[i] === null || fit.y[i] === null || !Number.isFinite(x) || !Number.isFinite(y)) {
          started = false;
          continue;
        }
        if (started) {
          ctx.lineTo(x, y);
        } else {
          ctx.moveTo(x, y);
          started = true;
        }
      }
      ctx.lineWidth = 2.5;
      ctx.strokeStyle = classCss(5);
      ctx.stroke();
    }
  }
}

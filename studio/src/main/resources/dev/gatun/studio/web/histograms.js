// Per layer, the latest histogram of its weights and of their gradients as bars, and how they
// evolved: a heatmap of counts with one column per snapshot (latest right), value on y over the
// range all kept snapshots span, so a column's bins are placed by their values, not their index.
import {scheduleInView} from './frame.js';
import {formatNumber} from './codec.js';

const KEPT = 120;
const ROWS = 40;
const KINDS = [['weights', 'weights'], ['grads', 'gradients']];

function drawBars(canvas, histogram) {
  const ctx = canvas.getContext('2d');
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  const counts = histogram.counts || [];
  const max = Math.max(1, ...counts);
  const w = canvas.width / Math.max(1, counts.length);
  ctx.fillStyle = '#0072B2';
  counts.forEach((c, i) => {
    const h = (c / max) * (canvas.height - 1);
    ctx.fillRect(i * w, canvas.height - h, Math.max(1, w - 1), h);
  });
}

function drawEvolution(canvas, history) {
  let lo = Infinity;
  let hi = -Infinity;
  for (const h of history) {
    if (Number.isFinite(h.lo) && Number.isFinite(h.hi)) {
      lo = Math.min(lo, h.lo);
      hi = Math.max(hi, h.hi);
    }
  }
  if (!(hi > lo)) {
    return;
  }
  const ctx = canvas.getContext('2d');
  canvas.width = history.length;
  const image = ctx.createImageData(history.length, ROWS);
  const pixels = image.data;
  const column = new Float64Array(ROWS);
  history.forEach((h, j) => {
    const counts = h.counts || [];
    column.fill(0);
    const width = (h.hi - h.lo) / Math.max(1, counts.length);
    counts.forEach((c, b) => {
      const centre = h.lo + (b + 0.5) * width;
      const row = Math.min(ROWS - 1, Math.max(0, Math.floor((centre - lo) / (hi - lo) * ROWS)));
      column[row] += c;
    });
    let max = 1;
    for (const c of column) {
      max = Math.max(max, c);
    }
    for (let row = 0; row < ROWS; row++) {
      const t = column[row] / max;
      const k = 4 * ((ROWS - 1 - row) * history.length + j);
      pixels[k] = 255 - 255 * t;
      pixels[k + 1] = 255 - 141 * t;
      pixels[k + 2] = 255 - 77 * t;
      pixels[k + 3] = 255;
    }
  });
  ctx.putImageData(image, 0, 0);
}

export class HistogramsView {
  constructor(container) {
    this.container = container;
    this.redraw = () => this.draw();
    this.clear();
  }

  clear() {
    this.history = new Map();
    this.order = [];
    this.rows = new Map();
    this.container.replaceChildren();
  }

  update(event) {
    this.order = (event.layers || []).map((l, i) => String(l.label ?? i));
    (event.layers || []).forEach((layer, i) => {
      const label = this.order[i];
      let kept = this.history.get(label);
      if (!kept) {
        kept = {weights: [], grads: []};
        this.history.set(label, kept);
      }
      for (const [key] of KINDS) {
        if (layer[key]) {
          kept[key].push(layer[key]);
          if (kept[key].length > KEPT) {
            kept[key].shift();
          }
        }
      }
    });
    scheduleInView(this.container, this.redraw);
  }

  row(label) {
    let row = this.rows.get(label);
    if (row) {
      return row;
    }
    const wrap = document.createElement('div');
    wrap.className = 'histogram-layer';
    const title = document.createElement('h4');
    title.textContent = label;
    wrap.append(title);
    row = {wrap, kinds: {}};
    for (const [key, name] of KINDS) {
      const part = document.createElement('div');
      part.className = 'histogram ' + key;
      const caption = document.createElement('span');
      caption.className = 'muted';
      const bars = document.createElement('canvas');
      bars.className = 'bars';
      bars.width = 120;
      bars.height = 40;
      const evolution = document.createElement('canvas');
      evolution.className = 'evolution';
      evolution.width = KEPT;
      evolution.height = ROWS;
      evolution.title = name + ' over time: step → right, value ↑';
      part.append(caption, bars, evolution);
      wrap.append(part);
      row.kinds[key] = {name, caption, bars, evolution};
    }
    this.rows.set(label, row);
    return row;
  }

  draw() {
    const wanted = this.order.map((label) => this.row(label).wrap);
    const present = [...this.container.children];
    if (wanted.length !== present.length || wanted.some((w, i) => w !== present[i])) {
      this.container.replaceChildren(...wanted);
    }
    for (const label of this.order) {
      const row = this.rows.get(label);
      const kept = this.history.get(label);
      for (const [key] of KINDS) {
        const history = kept[key];
        const view = row.kinds[key];
        const latest = history[history.length - 1];
        if (!latest) {
          continue;
        }
        view.caption.textContent = `${view.name} [${formatNumber(latest.lo, 3)}, ${formatNumber(latest.hi, 3)}]`;
        drawBars(view.bars, latest);
        drawEvolution(view.evolution, history);
      }
    }
  }
}

// The activations view of an image or sequence model: one example (picked by split and index)
// and what each layer makes of it, from GET /api/runs/{run}/activations. It asks only while its
// panel is open, and while the run trains at most once a second (each answer supersedes the one
// before). Feature maps per conv layer, dense layers as bars or a heatmap strip, the output
// probabilities as labelled bars, and an LSTM's h, c and gates over time as heatmaps.
import {getJson, runPath} from './api.js';
import {float32s, formatNumber} from './codec.js';
import {divergingRgb, putDiverging, putRgb} from './colors.js';
import {schedule} from './frame.js';

const $ = (id) => document.getElementById(id);
const REFRESH_MS = 1000;
/** Vectors up to this many units are drawn as bars, longer ones as a heatmap strip. */
const MAX_BARS = 64;
const GATES = [
  ['h', 'hidden state h', 'signed'],
  ['c', 'cell state c', 'scaled'],
  ['i', 'input gate i', 'unit'],
  ['f', 'forget gate f', 'unit'],
  ['g', 'cell candidate g', 'signed'],
  ['o', 'output gate o', 'unit'],
];

export class ActivationsView {
  constructor(tooltip) {
    this.tooltip = tooltip;
    this.run = null;
    this.status = null;
    this.size = 0;
    this.inFlight = false;
    this.again = false;
    this.last = 0;
    this.timer = 0;
    this.answer = null;
    this.redraw = () => this.draw();
    $('act-view').addEventListener('toggle', () => this.refresh());
    $('act-index').addEventListener('change', () => this.refresh());
    $('act-split').addEventListener('change', () => this.refresh());
    $('act-prev').addEventListener('click', () => this.move(-1));
    $('act-next').addEventListener('click', () => this.move(1));
  }

  /** A run's data as the `run` event or /api/state gives it: the panel is for inputs of rank 2 or more. */
  adopt(info) {
    if (info.run !== this.run) {
      // Another run may have other splits: the server picks again.
      $('act-split').value = '';
    }
    this.run = info.run;
    this.status = info.status ?? null;
    this.answer = null;
    this.size = 0;
    const shape = Array.isArray(info.inputShape) ? info.inputShape : [];
    $('activations-panel').hidden = shape.length < 2;
    $('act-layers').replaceChildren();
    $('act-probs').replaceChildren();
    $('act-error').textContent = '';
    $('act-info').textContent = '';
    this.refresh();
  }

  handle(type, data) {
    switch (type) {
      case 'run': this.adopt(data); break;
      case 'status':
        this.status = data.status;
        this.soon();
        break;
      case 'batch':
      case 'epoch':
        if ($('act-live').checked) {
          this.soon();
        }
        break;
      default: break;
    }
  }

  isOpen() {
    return this.run !== null && !$('activations-panel').hidden && $('act-view').open;
  }

  move(delta) {
    const index = Math.max(0, (Number($('act-index').value) | 0) + delta);
    $('act-index').value = String(this.size > 0 ? Math.min(index, this.size - 1) : index);
    this.refresh();
  }

  /** A refresh at most once a second: the last request of a burst is the one that runs. */
  soon() {
    if (!this.isOpen() || this.timer) {
      return;
    }
    const wait = Math.max(0, this.last + REFRESH_MS - Date.now());
    this.timer = setTimeout(() => {
      this.timer = 0;
      this.refresh();
    }, wait);
  }

  async refresh() {
    if (!this.isOpen()) {
      return;
    }
    if (this.inFlight) {
      this.again = true;
      return;
    }
    this.inFlight = true;
    this.last = Date.now();
    const run = this.run;
    const params = new URLSearchParams({index: String(Math.max(0, Number($('act-index').value) | 0))});
    if ($('act-split').value) {
      params.set('split', $('act-split').value);
    }
    try {
      const answer = await getJson(runPath(run, 'activations?' + params));
      if (run !== this.run) {
        return;
      }
      if (!answer.ok) {
        $('act-error').textContent = answer.body.error;
        return;
      }
      $('act-error').textContent = '';
      this.answer = answer.body;
      this.size = Number(answer.body.size) || 0;
      $('act-index').max = String(Math.max(0, this.size - 1));
      if (!$('act-split').value) {
        $('act-split').value = String(answer.body.split ?? '');
      }
      schedule(this.redraw);
    } finally {
      this.inFlight = false;
      if (this.again) {
        this.again = false;
        this.soon();
      }
    }
  }

  draw() {
    const a = this.answer;
    if (!a) {
      return;
    }
    $('act-info').textContent = `${a.split} example ${a.index} of ${a.size} · step ${a.step}`;
    drawInput($('act-image'), a.input);
    const classes = Array.isArray(a.classes) ? a.classes.map(String) : [];
    const predicted = Number(a.predicted);
    const label = $('act-label');
    label.dataset.true = String(a.label);
    label.dataset.predicted = String(predicted);
    label.textContent = classes.length > 0
      ? `true: ${String(a.labelName ?? a.label)} · predicted: ${classes[predicted] ?? '?'}`
      : '';
    drawProbabilities($('act-probs'), a.probabilities, classes, predicted, Number(a.label));
    const layers = $('act-layers');
    layers.dataset.step = String(a.step);
    layers.dataset.index = String(a.index);
    layers.replaceChildren(...(a.layers || []).map((layer) => this.layer(layer)));
  }

  layer(layer) {
    const section = document.createElement('section');
    section.className = 'act-layer';
    section.dataset.kind = String(layer.kind);
    section.dataset.index = String(layer.index);
    const title = document.createElement('h3');
    const shape = Array.isArray(layer.shape) ? layer.shape.join('×') : '';
    title.textContent = `${String(layer.label)} → [${shape}]`;
    section.append(title);
    switch (layer.kind) {
      case 'maps': section.append(this.maps(layer)); break;
      case 'vector': section.append(this.vector(layer)); break;
      case 'sequence': section.append(this.heatmap(layer.values, `${layer.label}`, 'scaled', 'step', 'feature')); break;
      case 'lstm':
        for (const d of layer.directions || []) {
          section.append(this.lstm(d));
        }
        break;
      default: break;
    }
    return section;
  }

  /** One small canvas per channel, all on the layer's one symmetric scale. */
  maps(layer) {
    const grid = document.createElement('div');
    grid.className = 'act-maps';
    const v = layer.values || {};
    const [channels, height, width] = (v.shape || [0, 0, 0]).map((n) => n | 0);
    const values = float32s(v.data);
    const limit = Math.max(Math.abs(v.min ?? 0), Math.abs(v.max ?? 0)) || 1;
    const scale = Math.max(1, Math.floor(56 / Math.max(height, width, 1)));
    for (let c = 0; c < channels; c++) {
      const canvas = document.createElement('canvas');
      canvas.className = 'act-map';
      canvas.dataset.channel = String(c);
      canvas.width = width;
      canvas.height = height;
      canvas.style.width = width * scale + 'px';
      canvas.style.height = height * scale + 'px';
      const image = new ImageData(width, height);
      for (let k = 0; k < width * height; k++) {
        putDiverging(image.data, k, values[c * width * height + k] / limit);
      }
      canvas.getContext('2d').putImageData(image, 0, 0);
      const at = (e) => {
        const [x, y] = cell(canvas, e, width, height);
        return `${layer.label} channel ${c} (${y}, ${x}): ${formatNumber(values[(c * height + y) * width + x], 5)}`;
      };
      this.hoverable(canvas, at);
      grid.append(canvas);
    }
    return grid;
  }

  /** A dense layer's outputs: bars around zero, or a heatmap strip for many units. */
  vector(layer) {
    const v = layer.values || {};
    const values = float32s(v.data);
    const n = values.length;
    const limit = Math.max(Math.abs(v.min ?? 0), Math.abs(v.max ?? 0)) || 1;
    const canvas = document.createElement('canvas');
    canvas.className = 'act-vector';
    canvas.dataset.units = String(n);
    const ctx = canvas.getContext('2d');
    if (n <= MAX_BARS) {
      const bar = Math.max(3, Math.floor(320 / Math.max(n, 1)));
      canvas.width = n * bar;
      canvas.height = 60;
      const zero = 30;
      for (let k = 0; k < n; k++) {
        const h = (values[k] / limit) * 28;
        const [r, g, b] = divergingRgb(values[k] / limit);
        ctx.fillStyle = `rgb(${r},${g},${b})`;
        ctx.fillRect(k * bar, Math.min(zero, zero - h), Math.max(1, bar - 1), Math.max(1, Math.abs(h)));
      }
      ctx.fillStyle = '#999';
      ctx.fillRect(0, zero, canvas.width, 1);
    } else {
      canvas.width = n;
      canvas.height = 1;
      canvas.classList.add('strip');
      const image = new ImageData(n, 1);
      for (let k = 0; k < n; k++) {
        putDiverging(image.data, k, values[k] / limit);
      }
      ctx.putImageData(image, 0, 0);
    }
    this.hoverable(canvas, (e) => {
      const [k] = cell(canvas, e, n, 1);
      return `${layer.label} unit ${k}: ${formatNumber(values[k], 5)}`;
    });
    return canvas;
  }

  /** One direction of an LSTM: six heatmaps, time on x and units on y. */
  lstm(d) {
    const box = document.createElement('div');
    box.className = 'act-direction';
    const caption = document.createElement('p');
    caption.className = 'muted';
    caption.textContent = `layer ${d.layer} ${d.reverse ? 'reverse' : 'forward'}: ${d.steps} steps × ${d.hidden} units`;
    box.append(caption);
    const grid = document.createElement('div');
    grid.className = 'act-gates';
    for (const [key, name, mode] of GATES) {
      const figure = this.heatmap(d[key], name, mode, 't', 'unit');
      const canvas = figure.querySelector('canvas');
      canvas.classList.add('act-gate');
      canvas.dataset.gate = key;
      canvas.dataset.layer = String(d.layer);
      canvas.dataset.reverse = String(Boolean(d.reverse));
      grid.append(figure);
    }
    box.append(grid);
    return box;
  }

  /**
   * A [T, N] matrix as a heatmap with time on x: gates (unit) on white to orange over [0, 1],
   * h and g (signed) on the diverging map over [-1, 1], others scaled to their largest magnitude.
   */
  heatmap(v, name, mode, xName, yName) {
    const figure = document.createElement('figure');
    figure.className = 'act-heatmap';
    const canvas = document.createElement('canvas');
    const caption = document.createElement('figcaption');
    const [steps, units] = ((v && v.shape) || [0, 0]).map((n) => n | 0);
    const values = float32s(v && v.data);
    const limit = mode === 'scaled' ? Math.max(Math.abs(v.min ?? 0), Math.abs(v.max ?? 0)) || 1 : 1;
    canvas.width = steps;
    canvas.height = units;
    const image = new ImageData(Math.max(steps, 1), Math.max(units, 1));
    for (let t = 0; t < steps; t++) {
      for (let u = 0; u < units; u++) {
        const x = values[t * units + u];
        putDiverging(image.data, u * steps + t, mode === 'unit' ? Math.max(0, Math.min(1, x)) : x / limit);
      }
    }
    if (steps > 0 && units > 0) {
      canvas.getContext('2d').putImageData(image, 0, 0);
    }
    canvas.style.width = steps * Math.max(1, Math.floor(168 / Math.max(steps, 1))) + 'px';
    canvas.style.height = units * Math.max(1, Math.min(8, Math.floor(160 / Math.max(units, 1)))) + 'px';
    caption.textContent = mode === 'scaled' ? `${name} ±${formatNumber(limit, 3)}` : name;
    this.hoverable(canvas, (e) => {
      const [t, u] = cell(canvas, e, steps, units);
      return `${name} (${xName} ${t}, ${yName} ${u}): ${formatNumber(values[t * units + u], 5)}`;
    });
    figure.append(canvas, caption);
    return figure;
  }

  hoverable(canvas, text) {
    canvas.addEventListener('mousemove', (e) => {
      this.tooltip.textContent = text(e);
      this.tooltip.style.left = e.clientX + 14 + 'px';
      this.tooltip.style.top = e.clientY + 14 + 'px';
      this.tooltip.hidden = false;
    });
    canvas.addEventListener('mouseleave', () => {
      this.tooltip.hidden = true;
    });
  }
}

/** The (column, row) of a canvas of cols × rows cells under the pointer. */
function cell(canvas, e, cols, rows) {
  const rect = canvas.getBoundingClientRect();
  const x = Math.min(cols - 1, Math.max(0, Math.floor((e.clientX - rect.left) / rect.width * cols)));
  const y = Math.min(rows - 1, Math.max(0, Math.floor((e.clientY - rect.top) / rect.height * rows)));
  return [x, y];
}

/** The example as the network reads it: gray ([1, H, W] or a [T, F] sequence) or colour ([3, H, W]). */
function drawInput(canvas, input) {
  const shape = (input && input.shape) || [];
  const values = float32s(input && input.data);
  const colour = shape.length === 3 && shape[0] === 3;
  const height = shape.length === 3 ? shape[1] : shape[0] | 0;
  const width = shape.length === 3 ? shape[2] : shape[1] | 0;
  const lo = Number(input.min ?? 0);
  const span = Number(input.max ?? 1) - lo || 1;
  const level = (v) => Math.round(255 * Math.max(0, Math.min(1, (v - lo) / span)));
  canvas.width = width;
  canvas.height = height;
  const image = new ImageData(Math.max(width, 1), Math.max(height, 1));
  const plane = width * height;
  for (let k = 0; k < plane; k++) {
    const r = level(values[k]);
    putRgb(image.data, k, r, colour ? level(values[plane + k]) : r, colour ? level(values[2 * plane + k]) : r);
  }
  if (plane > 0) {
    canvas.getContext('2d').putImageData(image, 0, 0);
  }
  const scale = Math.max(1, Math.floor(112 / Math.max(width, height, 1)));
  canvas.style.width = width * scale + 'px';
  canvas.style.height = height * scale + 'px';
}

/** One labelled bar per class: the predicted class highlighted, the true one marked. */
function drawProbabilities(list, probabilities, classes, predicted, label) {
  if (!Array.isArray(probabilities)) {
    list.replaceChildren();
    return;
  }
  list.replaceChildren(...probabilities.map((p, k) => {
    const li = document.createElement('li');
    li.className = 'act-prob';
    li.dataset.class = String(k);
    li.dataset.p = String(p);
    li.classList.toggle('predicted', k === predicted);
    li.classList.toggle('true', k === label);
    const name = document.createElement('span');
    name.className = 'act-prob-name';
    name.textContent = (k === label ? '✓ ' : '') + (classes[k] ?? String(k));
    const bar = document.createElement('span');
    bar.className = 'act-prob-bar';
    const fill = document.createElement('span');
    fill.className = 'act-prob-fill';
    fill.style.width = `${Math.max(0, Math.min(1, Number(p) || 0)) * 100}%`;
    bar.append(fill);
    const value = document.createElement('span');
    value.className = 'act-prob-value';
    value.textContent = formatNumber(p, 3);
    li.append(name, bar, value);
    return li;
  }));
}

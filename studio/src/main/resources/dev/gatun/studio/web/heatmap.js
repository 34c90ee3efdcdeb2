// Weight matrices as heatmaps: one canvas per layer, a pixel per (block-averaged) weight,
// coloured on a diverging map symmetric around 0; hovering shows row, column and value.
import {scheduleInView} from './frame.js';
import {float32s, formatNumber} from './codec.js';
import {putDiverging} from './colors.js';
import {setText} from './dom.js';

export class WeightsView {
  constructor(container, tooltip) {
    this.container = container;
    this.tooltip = tooltip;
    this.figures = [];
    this.latest = null;
    this.redraw = () => this.draw();
  }

  clear() {
    this.latest = null;
    this.figures = [];
    this.container.replaceChildren();
  }

  update(event) {
    this.latest = event;
    scheduleInView(this.container, this.redraw);
  }

  figure(i, label) {
    let figure = this.figures[i];
    if (figure && figure.label === label) {
      return figure;
    }
    const wrap = document.createElement('figure');
    wrap.className = 'weight-map';
    const canvas = document.createElement('canvas');
    const caption = document.createElement('figcaption');
    wrap.append(canvas, caption);
    figure = {label, wrap, canvas, caption, rows: 0, cols: 0, values: new Float32Array(0)};
    canvas.addEventListener('mousemove', (e) => this.hover(figure, e));
    canvas.addEventListener('mouseleave', () => {
      this.tooltip.hidden = true;
    });
    if (this.figures[i]) {
      this.figures[i].wrap.replaceWith(wrap);
    } else {
      this.container.append(wrap);
    }
    this.figures[i] = figure;
    return figure;
  }

  draw() {
    const layers = this.latest ? this.latest.layers || [] : [];
    layers.forEach((layer, i) => {
      const figure = this.figure(i, String(layer.label ?? i));
      const rows = Math.max(1, layer.rows | 0);
      const cols = Math.max(1, layer.cols | 0);
      const values = float32s(layer.values);
      const limit = Math.max(Math.abs(layer.min ?? 0), Math.abs(layer.max ?? 0)) || 1;
      const image = new ImageData(cols, rows);
      for (let k = 0; k < rows * cols && k < values.length; k++) {
        putDiverging(image.data, k, values[k] / limit);
      }
      const canvas = figure.canvas;
      if (canvas.width !== cols || canvas.height !== rows) {
        canvas.width = cols;
        canvas.height = rows;
      }
      canvas.getContext('2d').putImageData(image, 0, 0);
      const scale = Math.max(1, Math.min(16, Math.floor(128 / Math.max(rows, cols))));
      canvas.style.width = cols * scale + 'px';
      canvas.style.height = rows * scale + 'px';
      figure.rows = rows;
      figure.cols = cols;
      figure.values = values;
      setText(figure.caption, `${figure.label} ${rows}×${cols}, ±${formatNumber(limit, 3)}`);
    });
    for (const extra of this.figures.splice(layers.length)) {
      extra.wrap.remove();
    }
  }

  hover(figure, e) {
    const rect = figure.canvas.getBoundingClientRect();
    const col = Math.min(figure.cols - 1, Math.floor((e.clientX - rect.left) / rect.width * figure.cols));
    const row = Math.min(figure.rows - 1, Math.floor((e.clientY - rect.top) / rect.height * figure.rows));
    if (row < 0 || col < 0) {
      return;
    }
    const value = figure.values[row * figure.cols + col];
    this.tooltip.textContent = `${figure.label} row ${row}, col ${col}: ${formatNumber(value, 5)}`;
    this.tooltip.style.left = e.clientX + 14 + 'px';
    this.tooltip.style.top = e.clientY + 14 + 'px';
    this.tooltip.hidden = false;
  }
}

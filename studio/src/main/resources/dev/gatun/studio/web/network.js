// The network view: input features, each dense layer's neurons (activations folded onto the
// dense layer they follow) and the outputs, linked by their real weights (colour by sign, width by
// size). For 2-feature data each neuron shows its output over the input plane, as TF Playground
// does. The server computes the `network` event only while some page has this view open: the
// page claims it (POST /api/views) while the panel is open and the tab visible, renews the claim,
// and lets go when closed, hidden or unloaded.
import {postJson} from './api.js';
import {scheduleInView} from './frame.js';
import {float32s, formatNumber} from './codec.js';
import {divergingRgb, putDiverging} from './colors.js';
import {element} from './dom.js';

const SVG = 'http://www.w3.org/2000/svg';
const NODE = 34;
const GAP = 8;
const TOP = 34;
const SIDE = 56;
const RENEW_MS = 5000;

/**
 * This page's id for its view claims, new on every load: the goodbye of the page it replaces (a
 * beacon that may arrive late) then cannot withdraw this page's claim.
 */
function pageId() {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Tells the server whether this page has the view open, renewing the claim while it is. */
export class ViewClaim {
  constructor(view, isOpen) {
    this.view = view;
    this.isOpen = isOpen;
    this.page = pageId();
    this.timer = 0;
    document.addEventListener('visibilitychange', () => this.update());
    window.addEventListener('pagehide', () => {
      const body = JSON.stringify({page: this.page, views: {[this.view]: false}});
      navigator.sendBeacon('/api/views', new Blob([body], {type: 'application/json'}));
    });
  }

  /** Sends the view's state now and renews it every few seconds while it is open. */
  update() {
    clearInterval(this.timer);
    const open = this.isOpen() && document.visibilityState !== 'hidden';
    const send = () => postJson('/api/views', {page: this.page, views: {[this.view]: open}});
    send();
    if (open) {
      this.timer = setInterval(send, RENEW_MS);
    }
  }
}

export class NetworkView {
  /**
   * @param container where the diagram goes (#network)
   * @param info where a clicked neuron's details go (#network-info)
   * @param tooltip the page's hover tooltip
   */
  constructor(container, info, tooltip) {
    this.container = container;
    this.info = info;
    this.tooltip = tooltip;
    this.latest = null;
    this.shape = '';
    this.nodes = [];
    this.links = [];
    this.highlighted = null;
    this.redraw = () => this.draw();
    // The width as the layout last gave it: reading clientWidth while drawing would make the
    // browser lay out the page again in every frame.
    this.width = 0;
    new ResizeObserver((entries) => {
      const width = Math.round(entries.at(-1).contentRect.width);
      if (width !== this.width) {
        this.width = width;
        if (this.latest) {
          scheduleInView(this.container, this.redraw);
        }
      }
    }).observe(container);
  }

  clear() {
    this.latest = null;
    this.shape = '';
    this.nodes = [];
    this.links = [];
    this.container.replaceChildren();
    this.container.dataset.step = '0';
    this.info.textContent = '';
  }

  update(event) {
    this.latest = event;
    scheduleInView(this.container, this.redraw);
  }

  /** The columns' structure and the room for them: a change rebuilds the diagram, else it is only recoloured. */
  structure(event) {
    return JSON.stringify([Math.round(this.width / 40), event.unsupported, event.plane !== null,
      (event.columns || []).map((c) => [c.label, c.units, c.drawn])]);
  }

  draw() {
    const event = this.latest;
    if (!event) {
      return;
    }
    this.container.dataset.step = String(event.step);
    if (event.unsupported) {
      this.shape = '';
      this.container.replaceChildren(element('p', 'muted network-unsupported', event.unsupported));
      return;
    }
    const shape = this.structure(event);
    if (shape !== this.shape) {
      this.build(event);
      this.shape = shape;
    }
    this.paint(event);
    if (this.highlighted) {
      this.highlight(this.highlighted);
    }
  }

  build(event) {
    const columns = event.columns || [];
    const width = Math.max(this.width, 420);
    const tallest = Math.max(1, ...columns.map((c) => c.drawn));
    const height = TOP + tallest * (NODE + GAP) + 22;
    // Room at both ends for the first and last columns' labels, which are centred on their nodes.
    const step = columns.length > 1 ? (width - NODE - 2 * SIDE) / (columns.length - 1) : 0;
    const stage = element('div', 'network-stage');
    stage.style.width = `${width}px`;
    stage.style.height = `${height}px`;
    const svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('class', 'network-links');
    svg.setAttribute('width', String(width));
    svg.setAttribute('height', String(height));
    stage.append(svg);
    this.nodes = [];
    this.links = [];
    const at = (c, k) => {
      const drawn = columns[c].drawn;
      const x = SIDE + c * step;
      const y = TOP + (tallest - drawn) * (NODE + GAP) / 2 + k * (NODE + GAP);
      return [x, y];
    };
    columns.forEach((column, c) => {
      const [x] = at(c, 0);
      const label = element('div', 'network-label', column.label);
      label.style.left = `${x + NODE / 2}px`;
      stage.append(label);
      const nodes = [];
      for (let k = 0; k < column.drawn; k++) {
        const [nx, ny] = at(c, k);
        const node = element('div', `neuron ${column.kind}`);
        node.dataset.column = String(c);
        node.dataset.unit = String(k);
        node.dataset.layers = (column.layers || []).join(',');
        node.style.left = `${nx}px`;
        node.style.top = `${ny}px`;
        const canvas = element('canvas', 'neuron-map');
        canvas.width = event.plane ? event.plane.width : 1;
        canvas.height = event.plane ? event.plane.height : 1;
        const badge = element('span', 'neuron-value');
        node.append(canvas, badge);
        node.addEventListener('mousemove', (e) => this.hover(c, k, e));
        node.addEventListener('mouseleave', () => {
          this.tooltip.hidden = true;
        });
        node.addEventListener('click', () => this.pin(c, k));
        stage.append(node);
        nodes.push({node, canvas, badge});
      }
      if (column.units > column.drawn) {
        const [mx, my] = at(c, column.drawn);
        const more = element('div', 'network-more', `+${column.units - column.drawn} more`);
        more.style.left = `${mx + NODE / 2}px`;
        more.style.top = `${my - GAP / 2}px`;
        stage.append(more);
      }
      this.nodes.push(nodes);
      const links = [];
      if (c > 0) {
        const previous = columns[c - 1].drawn;
        for (let r = 0; r < column.drawn; r++) {
          for (let k = 0; k < previous; k++) {
            const [x0, y0] = at(c - 1, k);
            const [x1, y1] = at(c, r);
            const path = document.createElementNS(SVG, 'path');
            const sx = x0 + NODE;
            const sy = y0 + NODE / 2;
            const ex = x1;
            const ey = y1 + NODE / 2;
            const mid = (sx + ex) / 2;
            path.setAttribute('d', `M${sx},${sy} C${mid},${sy} ${mid},${ey} ${ex},${ey}`);
            path.setAttribute('class', 'link');
            path.dataset.column = String(c);
            path.dataset.row = String(r);
            path.dataset.col = String(k);
            svg.append(path);
            links.push(path);
          }
        }
      }
      this.links.push(links);
    });
    this.container.replaceChildren(stage);
  }

  paint(event) {
    const plane = event.plane;
    (event.columns || []).forEach((column, c) => {
      const nodes = this.nodes[c] || [];
      const limit = column.limit || 1;
      nodes.forEach(({canvas}, k) => {
        if (!plane || !column.neurons || !column.neurons[k]) {
          return;
        }
        const values = float32s(column.neurons[k]);
        const image = new ImageData(plane.width, plane.height);
        for (let i = 0; i < values.length && i < plane.width * plane.height; i++) {
          putDiverging(image.data, i, values[i] / limit);
        }
        canvas.getContext('2d').putImageData(image, 0, 0);
      });
      const weights = column.weights || [];
      const links = this.links[c] || [];
      let largest = 0;
      for (const w of weights) {
        largest = Math.max(largest, Math.abs(w ?? 0));
      }
      links.forEach((path, i) => {
        const w = weights[i] ?? 0;
        const size = largest > 0 ? Math.abs(w) / largest : 0;
        const [r, g, b] = divergingRgb(w >= 0 ? 1 : -1);
        path.setAttribute('stroke', `rgb(${r | 0},${g | 0},${b | 0})`);
        path.setAttribute('stroke-width', (0.3 + 4.2 * size).toFixed(2));
        path.setAttribute('stroke-opacity', (0.2 + 0.7 * size).toFixed(2));
        path.dataset.w = String(w);
      });
    });
  }

  /** Words for neuron k of column c: its layer, index and bias. */
  describe(c, k) {
    const column = this.latest && this.latest.columns ? this.latest.columns[c] : null;
    if (!column) {
      return '';
    }
    const bias = column.bias ? `, bias ${formatNumber(column.bias[k], 5)}` : '';
    const layers = column.layers && column.layers.length ? `layer ${column.layers.join('+')}` : 'input';
    return `${column.label} — ${layers}, neuron ${k}${bias}`;
  }

  hover(c, k, e) {
    this.tooltip.textContent = this.describe(c, k);
    this.tooltip.style.left = e.clientX + 14 + 'px';
    this.tooltip.style.top = e.clientY + 14 + 'px';
    this.tooltip.hidden = false;
  }

  pin(c, k) {
    this.info.textContent = this.describe(c, k);
    this.info.dataset.column = String(c);
    this.info.dataset.unit = String(k);
  }

  /**
   * Marks a backprop stage on the diagram: the column of layer `layer`, its values per neuron
   * (`values`, one per drawn neuron, or none), its top neurons and the links of its top weights.
   * Null clears the marks.
   */
  highlight(mark) {
    this.highlighted = mark;
    for (const el of this.container.querySelectorAll('.neuron.active, .neuron.hot, .link.hot')) {
      el.classList.remove('active', 'hot');
    }
    for (const el of this.container.querySelectorAll('.neuron-value')) {
      el.textContent = '';
    }
    this.container.classList.toggle('walking', Boolean(mark));
    if (!mark || !this.latest) {
      return;
    }
    const columns = this.latest.columns || [];
    const c = mark.layer < 0 ? 0 : columns.findIndex((col) => (col.layers || []).includes(mark.layer));
    if (c < 0 || !this.nodes[c]) {
      return;
    }
    this.nodes[c].forEach(({node, badge}, k) => {
      node.classList.add('active');
      if (mark.values && k < mark.values.length) {
        badge.textContent = formatNumber(mark.values[k], 2);
      }
    });
    for (const unit of mark.topUnits || []) {
      const entry = this.nodes[c][unit];
      if (entry) {
        entry.node.classList.add('hot');
      }
    }
    for (const {row, col} of mark.topWeights || []) {
      const link = this.container.querySelector(`.link[data-column="${c}"][data-row="${row}"][data-col="${col}"]`);
      if (link) {
        link.classList.add('hot');
      }
    }
  }
}

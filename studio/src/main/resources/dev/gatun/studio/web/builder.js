// The architecture builder: an ordered list of layers, each a plain object as the config spells
// it ({type: 'dense', units: 8}); keys the builder has no input for (init, stride, l1, ...)
// are kept as they came, so an imported config survives a round trip.
import {element} from './dom.js';

const ACTIVATIONS = ['relu', 'tanh', 'sigmoid', 'leaky_relu', 'gelu', 'elu', 'silu', 'softplus', 'softmax'];

// The inputs of each type: key, default, and the number input's bounds (choices for a select).
const PARAMETERS = {
  dense: [{key: 'units', value: 8, min: 1, step: 1}],
  conv2d: [{key: 'filters', value: 8, min: 1, step: 1}, {key: 'kernel', value: 3, min: 1, step: 1},
    {key: 'padding', value: 0, min: 0, step: 1}],
  maxpool2d: [{key: 'kernel', value: 2, min: 1, step: 1}],
  avgpool2d: [{key: 'kernel', value: 2, min: 1, step: 1}],
  globalavgpool2d: [],
  batchnorm: [],
  flatten: [],
  dropout: [{key: 'p', value: 0.2, min: 0, max: 0.99, step: 0.05}],
  relu: [],
  tanh: [],
  sigmoid: [],
  leaky_relu: [{key: 'slope', value: 0.01, min: 0, step: 0.01}],
  gelu: [{key: 'approximate', value: 'none', choices: ['none', 'tanh']}],
  elu: [{key: 'alpha', value: 1, min: 0, step: 0.1}],
  silu: [],
  softplus: [],
  softmax: [],
  rnn: [{key: 'hidden', value: 16, min: 1, step: 1}],
  lstm: [{key: 'hidden', value: 16, min: 1, step: 1}],
  gru: [{key: 'hidden', value: 16, min: 1, step: 1}],
  last_state: [{key: 'units', value: 2, min: 1, step: 1}],
};

export const LAYER_TYPES = Object.keys(PARAMETERS);

/** The types with weights: each can be frozen (trainable: false). */
const WEIGHTED = ['dense', 'conv2d', 'batchnorm', 'rnn', 'lstm', 'gru', 'last_state', 'residual'];

export function newLayer(type) {
  const layer = {type};
  for (const p of PARAMETERS[type] || []) {
    if (!p.choices) {
      layer[p.key] = p.value;
    }
  }
  return layer;
}

/**
 * A graph model's wiring as the layer's row shows it (kept, not edited, by the builder): its name,
 * what it reads, and a residual block's inner layer count; '' for a plain stacked layer.
 */
function wiringText(layer) {
  const parts = [];
  if (layer.name) {
    parts.push(String(layer.name));
  }
  if (layer.inputs) {
    parts.push('← ' + [].concat(layer.inputs).join(', '));
  }
  if (Array.isArray(layer.layers) && layer.type === 'residual') {
    parts.push('x + f(x), f: ' + layer.layers.map((l) => l.type).join(' → '));
  }
  return parts.join(' ');
}

function button(className, text, label) {
  const b = element('button', className, text);
  b.type = 'button';
  b.setAttribute('aria-label', label);
  b.title = label;
  return b;
}

/** An input's value as the config wants it: a number, [h, w] from "h, w", or the raw text for the server to refuse. */
function parseValue(text) {
  const trimmed = text.trim();
  if (trimmed === '') {
    return undefined;
  }
  if (trimmed.includes(',')) {
    const parts = trimmed.split(',').map((s) => Number(s.trim()));
    return parts.every(Number.isFinite) ? parts : trimmed;
  }
  const n = Number(trimmed);
  return Number.isFinite(n) ? n : trimmed;
}

export class Builder {
  /**
   * @param list the ol
   * @param onChange called after every change of the layers
   */
  constructor(list, onChange) {
    this.list = list;
    this.onChange = onChange;
    this.layers = [];
    this.dragged = -1;
  }

  setLayers(layers) {
    this.layers = layers.map((l) => ({...l}));
    this.render();
  }

  add(type) {
    this.layers.push(newLayer(type));
    this.changed(true);
  }

  move(from, to) {
    if (to < 0 || to >= this.layers.length || from === to) {
      return;
    }
    const [layer] = this.layers.splice(from, 1);
    this.layers.splice(to, 0, layer);
    this.changed(true);
    this.list.querySelector(`li.layer[data-index="${to}"] .handle`)?.focus();
  }

  changed(structural) {
    if (structural) {
      this.render();
    }
    this.onChange();
  }

  render() {
    this.list.replaceChildren(...this.layers.map((layer, i) => this.item(layer, i)));
  }

  item(layer, index) {
    const li = element('li', 'layer');
    li.dataset.index = String(index);
    li.dataset.type = String(layer.type);
    const handle = element('span', 'handle', '⠿');
    handle.draggable = true;
    handle.tabIndex = 0;
    handle.title = 'drag to reorder';
    handle.addEventListener('dragstart', (e) => {
      this.dragged = index;
      e.dataTransfer.effectAllowed = 'move';
      e.dataTransfer.setData('text/plain', String(index));
      e.dataTransfer.setDragImage(li, 10, 10);
      li.classList.add('dragging');
    });
    handle.addEventListener('dragend', () => li.classList.remove('dragging'));
    li.addEventListener('dragover', (e) => {
      if (this.dragged >= 0) {
        e.preventDefault();
        li.classList.add('drop-target');
      }
    });
    li.addEventListener('dragleave', () => li.classList.remove('drop-target'));
    li.addEventListener('drop', (e) => {
      e.preventDefault();
      const from = this.dragged;
      this.dragged = -1;
      this.move(from, index);
    });

    const head = element('div', 'layer-head');
    head.append(handle);
    if (ACTIVATIONS.includes(layer.type)) {
      const select = element('select', 'activation');
      select.setAttribute('aria-label', 'activation');
      for (const name of ACTIVATIONS) {
        const option = element('option', '', name);
        option.value = name;
        select.append(option);
      }
      select.value = layer.type;
      select.addEventListener('change', () => {
        this.layers[index] = newLayer(select.value);
        this.changed(true);
      });
      head.append(element('span', 'type visually-hidden', String(layer.type)), select);
    } else {
      head.append(element('span', 'type', String(layer.type)));
    }
    const wiring = wiringText(layer);
    if (wiring) {
      head.append(element('span', 'wiring', wiring));
    }
    for (const p of PARAMETERS[layer.type] || []) {
      head.append(this.parameter(layer, p));
    }
    if (WEIGHTED.includes(layer.type)) {
      head.append(this.trainable(layer));
    }
    head.append(element('span', 'shape'));
    const up = button('up', '↑', 'move up');
    up.disabled = index === 0;
    up.addEventListener('click', () => this.move(index, index - 1));
    const down = button('down', '↓', 'move down');
    down.disabled = index === this.layers.length - 1;
    down.addEventListener('click', () => this.move(index, index + 1));
    const remove = button('remove', '×', 'remove layer');
    remove.addEventListener('click', () => {
      this.layers.splice(index, 1);
      this.changed(true);
    });
    const tools = element('span', 'layer-tools');
    tools.append(up, down, remove);
    head.append(tools);
    li.append(head, element('div', 'layer-error'));
    return li;
  }

  parameter(layer, p) {
    const label = element('label', 'parameter');
    label.append(element('span', '', p.key));
    let input;
    if (p.choices) {
      input = element('select', p.key);
      for (const choice of p.choices) {
        const option = element('option', '', choice);
        option.value = choice;
        input.append(option);
      }
      input.value = layer[p.key] ?? p.value;
    } else {
      input = element('input', p.key);
      const value = layer[p.key];
      if (Array.isArray(value)) {
        input.type = 'text';
        input.value = value.join(', ');
      } else {
        input.type = 'number';
        input.min = String(p.min);
        if (p.max !== undefined) {
          input.max = String(p.max);
        }
        input.step = String(p.step);
        input.value = value === undefined ? '' : String(value);
      }
    }
    input.addEventListener(p.choices ? 'change' : 'input', () => {
      const value = p.choices ? input.value : parseValue(input.value);
      if (value === undefined) {
        delete layer[p.key];
      } else {
        layer[p.key] = value;
      }
      this.changed(false);
    });
    label.append(input);
    return label;
  }

  /** The layer's "trainable" box: unticked, the layer is frozen (no gradient, no optimizer state). */
  trainable(layer) {
    const label = element('label', 'parameter trainable');
    const box = element('input', 'trainable');
    box.type = 'checkbox';
    box.checked = layer.trainable !== false;
    box.title = 'trainable: untick to freeze this layer\'s weights';
    box.addEventListener('change', () => {
      if (box.checked) {
        delete layer.trainable;
      } else {
        layer.trainable = false;
      }
      this.changed(false);
    });
    label.append(box, element('span', '', 'trainable'));
    return label;
  }

  clearErrors() {
    for (const el of this.list.querySelectorAll('.layer-error')) {
      el.textContent = '';
    }
    for (const li of this.list.querySelectorAll('li.layer')) {
      li.classList.remove('invalid');
    }
  }

  /** The check's shapes, [{index, shape}], one per config layer. */
  showShapes(layers) {
    for (const el of this.list.querySelectorAll('.shape')) {
      el.textContent = '';
    }
    for (const l of layers || []) {
      const el = this.list.querySelector(`li.layer[data-index="${Number(l.index)}"] .shape`);
      if (el && Array.isArray(l.shape)) {
        el.textContent = '→ [' + l.shape.join(', ') + ']';
      }
    }
  }

  /** Puts error in layer's .layer-error; false when the list has no such layer. */
  showLayerError(layer, message) {
    const li = this.list.querySelector(`li.layer[data-index="${Number(layer)}"]`);
    if (!li) {
      return false;
    }
    li.classList.add('invalid');
    li.querySelector('.layer-error').textContent = message;
    return true;
  }
}

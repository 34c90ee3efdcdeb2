// Backprop step by step: "Step through one batch" has the server train the next batch layer by
// layer (POST /api/runs/{run}/backprop, one optimizer step like "Step batch"), and answer with
// the runtime's own tensors: each layer's input and output, the loss, then each layer's output
// gradient and its parameters' gradients and updates. The page walks the stages (forward 0..n-1,
// the loss, backward n-1..0) with Prev/Next; each number shown is the server's, and its exact value
// is in the cell's data-value.
import {postJson, runPath} from './api.js';
import {formatNumber} from './codec.js';
import {showAnsweredStatus} from './playground.js';
import {element} from './dom.js';

const $ = (id) => document.getElementById(id);

function shapeText(shape) {
  return `[${(shape || []).join(', ')}]`;
}

/**
 * A table of a tensor slice: rows × cols of its values, each cell's exact value in data-value.
 * `rowName` labels rows; `marks` picks cells (row, col) or whole columns (col) to mark hot.
 */
function sliceTable(className, title, slice, rowName, marks = {}) {
  const wrap = element('div', 'bp-slice');
  const totalRows = slice.shape.length <= 1 ? 1 : slice.shape[0];
  const totalCols = slice.shape.length <= 1 ? (slice.shape[0] ?? 1)
    : slice.shape.slice(1).reduce((a, b) => a * b, 1);
  wrap.append(element('h4', null, `${title} ${shapeText(slice.shape)}`
    + (slice.rows < totalRows || slice.cols < totalCols ? ` (first ${slice.rows} × ${slice.cols})` : '')
    + ` · min ${formatNumber(slice.min, 3)}, mean ${formatNumber(slice.mean, 3)}, max ${formatNumber(slice.max, 3)}`));
  const table = element('table', `bp-table ${className}`);
  table.dataset.rows = String(slice.rows);
  table.dataset.cols = String(slice.cols);
  table.dataset.shape = (slice.shape || []).join(',');
  const head = element('tr');
  head.append(element('th'));
  for (let c = 0; c < slice.cols; c++) {
    const th = element('th', marks.cols && marks.cols.includes(c) ? 'hot' : null, String(c));
    head.append(th);
  }
  table.append(head);
  let largest = 0;
  for (const v of slice.values) {
    largest = Math.max(largest, Math.abs(v ?? 0));
  }
  for (let r = 0; r < slice.rows; r++) {
    const tr = element('tr');
    tr.append(element('th', null, rowName(r)));
    for (let c = 0; c < slice.cols; c++) {
      const v = slice.values[r * slice.cols + c];
      const td = element('td', null, formatNumber(v, 3));
      td.dataset.row = String(r);
      td.dataset.col = String(c);
      td.dataset.value = v === null ? 'null' : String(v);
      const share = largest > 0 && v !== null ? v / largest : 0;
      td.style.setProperty('--shade', share.toFixed(3));
      td.classList.add(share >= 0 ? 'pos' : 'neg');
      const top = (marks.cols && marks.cols.includes(c))
        || (marks.cells && marks.cells.some((m) => m.row === r && m.col === c));
      if (top) {
        td.classList.add('hot');
      }
      tr.append(td);
    }
    table.append(tr);
  }
  wrap.append(table);
  return wrap;
}

/** The walk's stages: forward through each layer, the loss, backward through each layer. */
function stagesOf(walk) {
  const layers = walk.layers || [];
  const stages = layers.map((layer) => ({kind: 'forward', layer}));
  stages.push({kind: 'loss', layer: layers[layers.length - 1]});
  for (let i = layers.length - 1; i >= 0; i--) {
    stages.push({kind: 'backward', layer: layers[i]});
  }
  return stages;
}

export class BackpropView {
  /**
   * @param playground the playground's views (its run, and the network view to highlight)
   * @param ensureRun resolves to the run to step (built first when the config changed), or null
   */
  constructor(playground, ensureRun) {
    this.playground = playground;
    this.ensureRun = ensureRun;
    this.walk = null;
    this.stages = [];
    this.at = -1;
    $('backprop-step').addEventListener('click', () => this.step());
    $('backprop-prev').addEventListener('click', () => this.show(this.at - 1));
    $('backprop-next').addEventListener('click', () => this.show(this.at + 1));
    this.clear();
  }

  clear() {
    this.walk = null;
    this.stages = [];
    this.at = -1;
    $('backprop').dataset.step = '0';
    $('backprop').dataset.stages = '0';
    $('backprop-values').replaceChildren();
    this.label('', -1, 'Step through one batch to follow it forward and backward, layer by layer');
    this.buttons();
    if (this.playground.network) {
      this.playground.network.highlight(null);
    }
  }

  async step() {
    $('settings-error').textContent = '';
    const run = await this.ensureRun();
    if (!run) {
      return;
    }
    $('backprop-step').disabled = true;
    try {
      const before = this.playground.statusEvents;
      const answer = await postJson(runPath(run, 'backprop'), {});
      if (!answer.ok) {
        $('settings-error').textContent = answer.body.error;
        return;
      }
      showAnsweredStatus(this.playground, before, 'paused');
      this.walk = answer.body;
      this.stages = stagesOf(this.walk);
      $('backprop').dataset.step = String(this.walk.step);
      $('backprop').dataset.run = String(this.walk.run);
      $('backprop').dataset.stages = String(this.stages.length);
      this.show(0);
    } finally {
      $('backprop-step').disabled = false;
    }
  }

  label(stage, index, text) {
    const el = $('backprop-stage');
    el.dataset.stage = stage;
    el.dataset.index = String(index);
    el.textContent = text;
  }

  buttons() {
    $('backprop-prev').disabled = this.at <= 0;
    $('backprop-next').disabled = this.at < 0 || this.at >= this.stages.length - 1;
  }

  show(index) {
    if (index < 0 || index >= this.stages.length) {
      return;
    }
    this.at = index;
    const stage = this.stages[index];
    const layer = stage.layer;
    const walk = this.walk;
    const box = $('backprop-values');
    box.replaceChildren();
    const examples = (r) => `#${r}`;
    const count = `${index + 1}/${this.stages.length}`;
    const shown = (layer.output.rows || 0);
    let mark = null;
    if (stage.kind === 'forward') {
      this.label(`forward:${layer.index}`, index,
        `${count} forward · ${layer.label} · ${shapeText(layer.input.shape)} → ${shapeText(layer.output.shape)}`);
      if (layer.index === 0) {
        box.append(sliceTable('bp-input', 'input', layer.input, examples));
      }
      box.append(sliceTable('bp-output', 'output', layer.output, examples));
      mark = {layer: layer.index, values: layer.output.values.slice(0, layer.output.cols)};
    } else if (stage.kind === 'loss') {
      this.label('loss', index, `${count} loss · ${formatNumber(walk.loss, 6)} over ${walk.size} examples`
        + (walk.correct !== undefined ? `, ${walk.correct} right` : ''));
      const loss = element('p', 'bp-loss', `loss ${formatNumber(walk.loss, 6)}`);
      loss.id = 'backprop-loss';
      loss.dataset.value = String(walk.loss);
      box.append(loss);
      const labels = element('p', 'muted bp-labels', `labels of the examples shown: ${(walk.labels || []).join(', ')}`);
      box.append(labels);
      box.append(sliceTable('bp-output', 'output', layer.output, (r) => `#${r} (${walk.labels[r] ?? '?'})`));
      mark = {layer: layer.index, values: layer.output.values.slice(0, layer.output.cols)};
    } else {
      this.label(`backward:${layer.index}`, index, `${count} backward · ${layer.label} · dL/d output`
        + (layer.params.length ? ', its parameters\' gradients and this step\'s update' : ''));
      const top = layer.topUnits || [];
      if (layer.outputGrad) {
        box.append(sliceTable('bp-grad', 'dL/d output', layer.outputGrad, examples, {cols: top}));
      }
      for (const p of layer.params) {
        const cells = p.name === 'weight' ? (layer.topWeights || []) : [];
        const rows = (r) => (p.grad.rows > 1 ? `out ${r}` : '');
        const grad = sliceTable('bp-param', `dL/d ${p.name}`, p.grad, rows, {cells});
        grad.querySelector('table').dataset.param = p.name;
        const update = sliceTable('bp-update', `${p.name} update`, p.update, rows, {cells});
        update.querySelector('table').dataset.param = p.name;
        box.append(grad, update);
      }
      if (top.length) {
        const list = element('ol', 'bp-top-units');
        for (const u of top) {
          const li = element('li', null, `neuron ${u}`);
          li.dataset.unit = String(u);
          list.append(li);
        }
        box.append(element('h4', null, 'neurons with the largest mean |gradient|'), list);
      }
      if ((layer.topWeights || []).length) {
        const list = element('ol', 'bp-top-weights');
        for (const w of layer.topWeights) {
          const li = element('li', null, `weight ${w.row}←${w.col}: gradient ${formatNumber(w.grad, 3)}, `
            + `update ${formatNumber(w.update, 3)}`);
          li.dataset.row = String(w.row);
          li.dataset.col = String(w.col);
          list.append(li);
        }
        box.append(element('h4', null, 'weights changed most by this step'), list);
      }
      const grad = layer.outputGrad;
      mark = {layer: layer.index, topUnits: top, topWeights: layer.topWeights,
        values: grad ? grad.values.slice(0, grad.cols) : []};
    }
    box.dataset.examples = String(shown);
    if (this.playground.network) {
      this.playground.network.highlight(mark);
    }
    this.buttons();
  }
}

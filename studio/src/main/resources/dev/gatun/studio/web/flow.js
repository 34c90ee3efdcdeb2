// Gradient flow per layer (as the Deeplearning4j UI shows it): the gradient norm, the step's
// update:parameter ratio on a log bar where about 1e-3 is healthy, the spread of the layer's
// outputs, and the server's warning for a dead, saturated or badly stepped layer.
import {formatNumber} from './codec.js';
import {element} from './dom.js';

/** A bar for a ratio on a log scale from 1e-7 to 1, with the healthy 1e-3 marked. */
function ratioBar(ratio) {
  const bar = element('span', 'ratio-bar');
  if (ratio === null || ratio === undefined || !(ratio > 0)) {
    return bar;
  }
  const at = Math.min(1, Math.max(0, (Math.log10(ratio) + 7) / 7));
  const fill = element('span', 'ratio-fill');
  fill.style.width = `${(100 * at).toFixed(1)}%`;
  const far = ratio > 1e-1 || ratio < 1e-6;
  fill.classList.toggle('far', far);
  bar.append(fill, element('span', 'ratio-mark'));
  return bar;
}

/** Renders a flow event into container, a table with one row per layer. */
export function renderFlow(container, flow) {
  container.replaceChildren();
  if (!flow) {
    container.append(element('p', 'muted', 'no gradients yet'));
    return;
  }
  container.dataset.step = String(flow.step);
  const table = element('table', 'flow-table');
  const head = element('tr');
  for (const h of ['layer', 'grad. norm', 'update / weight', '', 'output mean ± sd']) {
    head.append(element('th', null, h));
  }
  const thead = element('thead');
  thead.append(head);
  table.append(thead);
  const body = element('tbody');
  for (const layer of flow.layers || []) {
    const row = element('tr', layer.warning ? 'flow-row warn' : 'flow-row');
    row.dataset.index = String(layer.index);
    row.append(element('td', null, layer.frozen ? `${layer.label} · frozen` : layer.label));
    row.classList.toggle('frozen', layer.frozen === true);
    row.append(element('td', null, formatNumber(layer.gradNorm, 3)));
    row.append(element('td', null, formatNumber(layer.ratio, 2)));
    const bar = element('td');
    bar.append(ratioBar(layer.ratio));
    row.append(bar);
    row.append(element('td', null, `${formatNumber(layer.mean, 3)} ± ${formatNumber(layer.std, 3)}`));
    body.append(row);
    if (layer.warning) {
      const warning = element('tr', 'flow-warning-row');
      const cell = element('td', 'flow-warning', layer.warning);
      cell.colSpan = 5;
      warning.append(cell);
      body.append(warning);
    }
  }
  table.append(body);
  container.append(table);
}

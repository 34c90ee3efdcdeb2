// A confusion matrix as a table: true classes as rows, predicted as columns, each cell shaded by
// its share of the row; then per-class precision, recall and F1 rows.
import {formatNumber} from './codec.js';

function cell(tag, text, className) {
  const el = document.createElement(tag);
  el.textContent = text;
  if (className) {
    el.className = className;
  }
  return el;
}

export function renderConfusion(container, event) {
  if (!event) {
    container.replaceChildren();
    return;
  }
  const classes = (event.classes || []).map(String);
  const matrix = event.matrix || [];
  const table = document.createElement('table');
  table.className = 'confusion-table';
  table.dataset.part = String(event.part ?? '');
  table.dataset.step = String(event.step ?? '');
  const caption = cell('caption', `${event.part ?? ''} at step ${event.step ?? '?'}: rows true, columns predicted`);
  const head = document.createElement('tr');
  head.append(cell('th', 'true \\ pred', 'corner'));
  for (const name of classes) {
    const th = cell('th', name);
    th.scope = 'col';
    head.append(th);
  }
  const thead = document.createElement('thead');
  thead.append(head);
  const tbody = document.createElement('tbody');
  matrix.forEach((counts, r) => {
    const tr = document.createElement('tr');
    const th = cell('th', classes[r] ?? String(r));
    th.scope = 'row';
    tr.append(th);
    const total = counts.reduce((a, b) => a + (Number(b) || 0), 0) || 1;
    counts.forEach((count, c) => {
      const share = (Number(count) || 0) / total;
      const td = cell('td', String(count), r === c ? 'diagonal' : '');
      td.style.background = `rgba(0,114,178,${(0.08 + 0.85 * share).toFixed(3)})`;
      td.style.color = share > 0.5 ? '#fff' : '#111';
      tr.append(td);
    });
    tbody.append(tr);
  });
  const tfoot = document.createElement('tfoot');
  for (const [key, name] of [['precision', 'precision'], ['recall', 'recall'], ['f1', 'F1']]) {
    const tr = document.createElement('tr');
    tr.className = 'metric ' + key;
    const th = cell('th', name);
    th.scope = 'row';
    tr.append(th);
    for (let c = 0; c < classes.length; c++) {
      tr.append(cell('td', formatNumber((event[key] || [])[c], 3)));
    }
    tfoot.append(tr);
  }
  table.append(caption, thead, tbody, tfoot);
  container.replaceChildren(table);
}

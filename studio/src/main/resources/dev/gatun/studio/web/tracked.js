// The tracked runs: the tracking store's runs (GET /api/tracked-runs), the same list `gatun runs`
// prints, as a table. Asked for when the panel opens, on Refresh, and every 10 s while it is open.
import {getJson} from './api.js';
import {formatNumber} from './codec.js';

const REFRESH_MS = 10000;
const METRICS = ['val_accuracy', 'val_loss', 'test_accuracy', 'test_loss'];

export class TrackedRuns {
  constructor(panel, table, info, refresh) {
    this.panel = panel;
    this.table = table;
    this.info = info;
    this.timer = 0;
    refresh.addEventListener('click', () => this.load());
    panel.addEventListener('toggle', () => this.toggled());
    document.addEventListener('visibilitychange', () => this.toggled());
  }

  toggled() {
    clearInterval(this.timer);
    this.timer = 0;
    if (this.panel.open && document.visibilityState !== 'hidden') {
      this.load();
      this.timer = setInterval(() => this.load(), REFRESH_MS);
    }
  }

  async load() {
    const answer = await getJson('/api/tracked-runs');
    if (!answer.ok) {
      this.info.textContent = answer.body.error;
      this.info.classList.add('error');
      return;
    }
    this.info.classList.remove('error');
    this.show(answer.body);
  }

  show(body) {
    const runs = body.runs;
    const metrics = METRICS.filter((m) => runs.some((r) => r.metrics[m] !== undefined));
    const columns = ['id', 'status', 'started', ...body.columns, ...metrics];
    this.info.textContent = runs.length + ' run' + (runs.length === 1 ? '' : 's') + ' in ' + body.store;
    const thead = document.createElement('thead');
    const head = document.createElement('tr');
    for (const c of columns) {
      const th = document.createElement('th');
      th.textContent = c;
      head.append(th);
    }
    thead.append(head);
    const tbody = document.createElement('tbody');
    for (const r of runs) {
      const tr = document.createElement('tr');
      tr.className = 'tracked-run status-' + r.status;
      tr.dataset.run = r.id;
      tr.dataset.status = r.status;
      if (r.parent) {
        tr.dataset.parent = r.parent;
      }
      tr.title = r.folder;
      for (const c of columns) {
        const td = document.createElement('td');
        td.dataset.column = c;
        if (c === 'id' || c === 'status' || c === 'started') {
          td.textContent = r[c];
        } else if (metrics.includes(c)) {
          const v = r.metrics[c];
          td.textContent = v === undefined || v === null ? '–' : formatNumber(v);
        } else {
          const v = r.params[c];
          td.textContent = v === undefined || v === null ? '–' : v;
        }
        tr.append(td);
      }
      tbody.append(tr);
    }
    this.table.replaceChildren(thead, tbody);
    this.table.dataset.count = String(runs.length);
  }
}

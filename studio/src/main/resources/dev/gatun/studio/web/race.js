// The race: 2 to 4 setups of the page's network trained side by side on the same data and seed,
// each with its own optimizer and rate (ConvNetJS's trainer race). Their loss curves and
// validation accuracies are overlaid, and a table gives each setup's last epoch, final when
// every run has ended.
import {postJson} from './api.js';
import {OverlayChart} from './overlay.js';
import {classCss} from './colors.js';
import {formatNumber} from './codec.js';

const $ = (id) => document.getElementById(id);
const OPTIMIZERS = ['sgd', 'momentum', 'rmsprop', 'adam', 'adamw', 'adagrad'];
const DEFAULT_SETUPS = [['sgd', 0.03], ['momentum', 0.03], ['rmsprop', 0.003], ['adam', 0.03]];
/** The weight of each new batch point in the smoothed loss. */
const SMOOTHING = 0.1;
const ENDED = new Set(['finished', 'failed', 'stopped']);

function optimizerSection(type, lr) {
  return type === 'momentum' ? {type: 'sgd', lr, momentum: 0.9} : {type, lr};
}

export class RaceView {
  /** @param pageConfig returns the page's config: data, seed, network, epochs and batch */
  constructor(pageConfig) {
    this.pageConfig = pageConfig;
    this.race = null;
    this.members = [];
    this.loss = new OverlayChart($('race-loss-chart'), 'loss (smoothed)');
    this.accuracy = new OverlayChart($('race-accuracy-chart'), 'val. accuracy', 'epoch');
    for (const [type, lr] of DEFAULT_SETUPS) {
      this.addSetup(type, lr);
    }
    $('race-add').addEventListener('click', () => this.addSetup('adam', 0.01));
    $('race-start').addEventListener('click', () => this.start());
    $('race-pause').addEventListener('click', () => this.control('pause'));
    $('race-resume').addEventListener('click', () => this.control('play'));
  }

  addSetup(type, lr) {
    const list = $('race-setups');
    if (list.children.length >= 4) {
      return;
    }
    const li = document.createElement('li');
    li.className = 'race-setup';
    const select = document.createElement('select');
    select.className = 'optimizer';
    select.setAttribute('aria-label', 'Optimizer');
    for (const name of OPTIMIZERS) {
      const option = document.createElement('option');
      option.value = name;
      option.textContent = name;
      select.append(option);
    }
    select.value = type;
    const rate = document.createElement('input');
    rate.className = 'lr';
    rate.type = 'number';
    rate.min = '0';
    rate.step = 'any';
    rate.value = String(lr);
    rate.setAttribute('aria-label', 'Learning rate');
    const label = document.createElement('input');
    label.className = 'label';
    label.type = 'text';
    label.maxLength = 40;
    label.placeholder = 'label';
    label.setAttribute('aria-label', 'Label');
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.className = 'remove';
    remove.textContent = '✕';
    remove.title = 'remove this setup';
    remove.addEventListener('click', () => {
      li.remove();
      this.renumber();
    });
    li.append(select, rate, label, remove);
    list.append(li);
    this.renumber();
  }

  renumber() {
    const rows = [...$('race-setups').children];
    rows.forEach((li, i) => {
      li.dataset.index = String(i);
      li.style.borderLeftColor = classCss(i);
    });
    $('race-add').disabled = rows.length >= 4;
    $('race-start').disabled = rows.length < 2;
  }

  setups() {
    return [...$('race-setups').children].map((li) => {
      const setup = {optimizer: optimizerSection(li.querySelector('.optimizer').value,
        Number(li.querySelector('.lr').value))};
      const label = li.querySelector('.label').value.trim();
      if (label) {
        setup.label = label;
      }
      return setup;
    });
  }

  start() {
    return this.run(this.pageConfig(), this.setups());
  }

  /**
   * A race of the page's config with its own optimizer in every setup, each setup adding to it
   * (a label, an init).
   */
  startWith(setups) {
    const config = this.pageConfig();
    return this.run(config, setups.map((s) => ({optimizer: config.optimizer, ...s})));
  }

  async run(config, setups) {
    $('race-error').textContent = '';
    const answer = await postJson('/api/race', {config, setups});
    if (!answer.ok) {
      $('race-error').textContent = answer.body.path ? `${answer.body.path}: ${answer.body.error}` : answer.body.error;
      return;
    }
    this.adopt(answer.body);
    await this.control('play');
  }

  async control(action) {
    if (!this.race) {
      return;
    }
    const answer = await postJson(`/api/races/${encodeURIComponent(this.race)}/control`, {action});
    if (!answer.ok) {
      $('race-error').textContent = answer.body.error;
    }
  }

  has(run) {
    return this.members.some((m) => m.run === run);
  }

  /** A race as its `race` event, /api/state or /api/race gives it; the views start over unless it is the same race. */
  adopt(race) {
    const same = race.race === this.race && this.members.length === (race.runs || []).length;
    if (!same) {
      this.race = race.race;
      this.epochs = race.epochs;
      this.members = (race.runs || []).map((r, i) => ({
        run: r.run, label: r.label, optimizer: r.optimizer, lr: r.lr, color: classCss(i),
        status: r.status || 'paused', smoothed: null, last: null, best: null,
      }));
      const series = this.members.map((m) => ({label: m.label, color: m.color}));
      this.loss.setSeries(series);
      this.accuracy.setSeries(series);
      $('race-panel').dataset.race = this.race;
    }
    for (const r of race.runs || []) {
      const m = this.members.find((x) => x.run === r.run);
      if (m && r.status) {
        m.status = r.status;
      }
      if (m && r.lastEpoch) {
        this.epoch(m, r.lastEpoch);
      }
    }
    this.render();
  }

  handle(type, data) {
    if (type === 'race') {
      this.adopt(data);
      return;
    }
    const i = this.members.findIndex((m) => m.run === data.run);
    if (i < 0) {
      return;
    }
    const m = this.members[i];
    switch (type) {
      case 'batch':
        for (const [step, loss] of data.points || []) {
          if (Number.isFinite(loss)) {
            m.smoothed = m.smoothed === null ? loss : m.smoothed + SMOOTHING * (loss - m.smoothed);
            this.loss.add(i, step, m.smoothed);
          }
        }
        m.samplesPerSecond = data.samplesPerSecond;
        break;
      case 'epoch':
        this.epoch(m, data);
        this.render();
        break;
      case 'status':
        m.status = data.status;
        m.message = data.message;
        this.render();
        break;
      case 'error':
        m.message = data.message;
        this.render();
        break;
      default:
        break;
    }
  }

  epoch(m, data) {
    for (const e of data.earlier || []) {
      this.epoch(m, e);
    }
    if (m.last && m.last.epoch >= data.epoch) {
      return;
    }
    m.last = data;
    m.samplesPerSecond = data.samplesPerSecond;
    if (Number.isFinite(data.valAccuracy) && (!m.best || data.valAccuracy > m.best.valAccuracy)) {
      m.best = {valAccuracy: data.valAccuracy, epoch: data.epoch};
    }
    this.accuracy.add(this.members.indexOf(m), data.epoch, data.valAccuracy);
  }

  render() {
    const body = $('race-table').tBodies[0];
    body.replaceChildren();
    const ended = this.members.length > 0 && this.members.every((m) => ENDED.has(m.status));
    const finals = this.members.map((m) => (m.last && Number.isFinite(m.last.valAccuracy) ? m.last.valAccuracy : -1));
    const winner = ended ? finals.indexOf(Math.max(...finals)) : -1;
    this.members.forEach((m, i) => {
      const row = body.insertRow();
      row.dataset.run = m.run;
      row.dataset.status = m.status;
      row.classList.toggle('best', i === winner && finals[i] >= 0);
      const last = m.last || {};
      const cells = [
        m.label, m.optimizer, formatNumber(m.lr), m.status,
        last.epoch === undefined ? '–' : `${last.epoch} / ${this.epochs ?? '?'}`,
        formatNumber(last.trainLoss), formatNumber(last.valLoss), formatNumber(last.valAccuracy),
        m.best ? `${formatNumber(m.best.valAccuracy)} (${m.best.epoch})` : '–',
        formatNumber(m.samplesPerSecond, 3),
      ];
      cells.forEach((text, c) => {
        const cell = row.insertCell();
        cell.textContent = String(text ?? '–');
        if (c === 0) {
          cell.style.borderLeft = `4px solid ${m.color}`;
          if (m.message && m.status === 'failed') {
            cell.title = m.message;
          }
        }
      });
      if (last.valAccuracy !== undefined) {
        row.dataset.valAccuracy = String(last.valAccuracy);
      }
    });
    $('race-table').dataset.final = String(ended);
    $('race-state').textContent = this.members.length === 0 ? 'no race yet'
      : ended ? 'final: every setup has ended' : `${this.members.filter((m) => m.status === 'running').length} running`;
  }
}

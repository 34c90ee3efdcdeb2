// Play, pause, step and reset of the playground run, and its live settings. Play (and the
// steps) first build a new run when the data, model, seed or epochs changed since the run was
// built; optimizer, rate, batch and penalties go to the running run as settings instead.
import {postJson, runPath} from './api.js';
import {pageConfig, structureKey} from './config.js';
import {showAnsweredStatus} from './playground.js';

const $ = (id) => document.getElementById(id);
const SETTINGS = ['lr', 'optimizer', 'batch', 'l1', 'l2', 'dropout'];

export class Controls {
  /**
   * @param builder the layers' builder
   * @param playground the playground's views
   * @param showConfigError shows a 400 of /api/playground where the check's would go
   * @param onBuilt called after a new run was built
   */
  constructor(builder, playground, showConfigError, onBuilt) {
    this.builder = builder;
    this.playground = playground;
    this.showConfigError = showConfigError;
    this.onBuilt = onBuilt;
    this.builtKey = null;
    this.building = null;
    $('play').addEventListener('click', () => this.act('play', true));
    $('pause').addEventListener('click', () => this.act('pause', false));
    $('step-batch').addEventListener('click', () => this.act('step_batch', true));
    $('step-epoch').addEventListener('click', () => this.act('step_epoch', true));
    $('reset').addEventListener('click', () => this.act('reset', false, {seed: $('reset-seed').value}));
    for (const id of SETTINGS) {
      $(id).addEventListener('change', () => this.setting(id));
    }
    for (const [id, key] of [['x-feature', 'x'], ['y-feature', 'y'], ['z-feature', 'z']]) {
      $(id).addEventListener('change', () => this.send({[key]: Number($(id).value)}));
    }
    $('save-run').addEventListener('click', () => this.save());
    $('metrics-csv').addEventListener('click', (e) => {
      if (this.playground.run) {
        e.currentTarget.href = runPath(this.playground.run, 'metrics.csv');
      } else {
        e.preventDefault();
      }
    });
    $('charts-png').addEventListener('click', () => downloadCharts());
    $('confusion-part').addEventListener('change', () => {
      const part = $('confusion-part').value;
      playground.showConfusionPart(part);
      this.send({view: part});
    });
  }

  /** Marks the page's current config as the one the playground run was built from. */
  markBuilt() {
    this.builtKey = structureKey(pageConfig(this.builder.layers));
  }

  isStale() {
    return !this.playground.run || this.builtKey !== structureKey(pageConfig(this.builder.layers));
  }

  /** The playground run, built first when there is none or the config changed; null on a refusal. */
  async ensureRun() {
    if (!this.isStale()) {
      return this.playground.run;
    }
    if (this.building) {
      return this.building;
    }
    this.building = this.build();
    try {
      return await this.building;
    } finally {
      this.building = null;
    }
  }

  async build() {
    const config = pageConfig(this.builder.layers);
    const answer = await postJson('/api/playground', {config});
    if (!answer.ok) {
      this.showConfigError(answer.body);
      return null;
    }
    this.builtKey = structureKey(config);
    this.playground.expect(answer.body.run);
    if ($('dropout').value.trim() !== '') {
      await this.setting('dropout');
    }
    this.onBuilt();
    return answer.body.run;
  }

  async act(action, build, extra = {}) {
    $('settings-error').textContent = '';
    const run = build ? await this.ensureRun() : this.playground.run;
    if (!run) {
      return;
    }
    const before = this.playground.statusEvents;
    const answer = await postJson(runPath(run, 'control'), {action, ...extra});
    if (!answer.ok) {
      $('settings-error').textContent = answer.body.error;
    } else if (answer.body.status) {
      // A short run can finish before the answer to its play arrives: the stream's word is newer.
      showAnsweredStatus(this.playground, before, answer.body.status);
    }
  }

  /** Writes the run folder as the CLI reads it, and shows where. */
  async save() {
    $('settings-error').textContent = '';
    const run = this.playground.run;
    if (!run) {
      return;
    }
    const answer = await postJson(runPath(run, 'control'), {action: 'save'});
    if (!answer.ok) {
      $('settings-error').textContent = answer.body.error;
    } else {
      $('saved-folder').textContent = `saved in ${answer.body.folder}`;
      $('saved-folder').dataset.folder = answer.body.folder;
    }
  }

  async setting(id) {
    const raw = $(id).value;
    if (id !== 'optimizer' && raw.trim() === '') {
      return;
    }
    const value = id === 'optimizer' ? raw : Number(raw);
    await this.send({[id]: Number.isNaN(value) ? raw : value});
  }

  async send(settings) {
    $('settings-error').textContent = '';
    const run = this.playground.run;
    if (!run) {
      return;
    }
    const answer = await postJson(runPath(run, 'settings'), settings);
    if (!answer.ok) {
      $('settings-error').textContent = answer.body.error;
    }
  }
}

/** Every chart canvas (curves, boundary or fit) as a PNG download, one file each. */
function downloadCharts() {
  const sources = [['loss', '#loss-chart canvas'], ['accuracy', '#accuracy-chart canvas'],
    ['boundary', '#boundary'], ['fit', '#fit'], ['race-loss', '#race-loss-chart canvas'],
    ['race-accuracy', '#race-accuracy-chart canvas']];
  for (const [name, selector] of sources) {
    const canvas = document.querySelector(selector);
    const chart = canvas && canvas.closest('[data-series]');
    if (!canvas || canvas.offsetParent === null || (chart && chart.dataset.series === '0')) {
      continue;
    }
    const link = document.createElement('a');
    link.download = `${name}.png`;
    link.href = canvas.toDataURL('image/png');
    link.click();
  }
}

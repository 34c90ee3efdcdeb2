// Pre-trained models: load one (its data, network and hyperparameters fill the page, and the run
// starts from its weights), freeze layers with each layer's "trainable" box, give it a new head,
// score it on its test part as the CLI's eval does, and race it against the same network trained
// from scratch.
import {postJson, runPath} from './api.js';
import {applyConfig, currentPretrained, setPretrained} from './config.js';
import {formatNumber} from './codec.js';

const $ = (id) => document.getElementById(id);

export class PretrainedPanel {
  /**
   * @param controls the playground's controls (builds the run)
   * @param race the race view
   * @param rebuild sets the builder's layers from a config's and marks the config changed
   * @param changed called when the page's config changed
   */
  constructor(controls, race, rebuild, changed) {
    this.controls = controls;
    this.race = race;
    this.rebuild = rebuild;
    this.changed = changed;
    this.models = [];
    $('load-pretrained').addEventListener('click', () => this.load());
    $('from-scratch').addEventListener('click', () => this.fromScratch());
    $('fresh-head').addEventListener('change', () => this.changed());
    $('score-test').addEventListener('click', () => this.score());
    $('race-scratch').addEventListener('click', () => this.raceScratch());
    this.show();
  }

  /** The state's list: [{name, from, config, testAccuracy, testExamples, epochs}]. */
  setModels(models) {
    this.models = Array.isArray(models) ? models : [];
    const select = $('pretrained');
    select.replaceChildren(...this.models.map((m) => {
      const option = document.createElement('option');
      option.value = String(m.name);
      option.textContent = `${m.name} (test acc. ${formatNumber(m.testAccuracy)})`;
      return option;
    }));
    $('pretrained-panel').hidden = this.models.length === 0;
  }

  load() {
    const model = this.models.find((m) => m.name === $('pretrained').value);
    if (!model) {
      return;
    }
    const config = structuredClone(model.config || {});
    config.init = {from: model.from};
    this.adoptConfig(config);
    this.rebuild(config);
  }

  /**
   * Takes up a config's init (a run's, with the model's folder, or a shared link's, with
   * pretrained/NAME) when it names a listed model; otherwise the page starts from scratch.
   */
  adoptConfig(config) {
    const from = config && config.init ? String(config.init.from ?? '') : '';
    const match = /(?:^|\/)pretrained\/([a-z0-9][a-z0-9._-]*)\/?$/.exec(from);
    const model = match ? this.models.find((m) => m.name === match[1]) : null;
    if (model) {
      const own = model.config || {};
      setPretrained({name: model.name, from: model.from, data: structuredClone(own.data || {}),
        input: own.model ? own.model.input : undefined, testAccuracy: model.testAccuracy,
        testExamples: model.testExamples});
      $('fresh-head').checked = Array.isArray(config.init.fresh) && config.init.fresh.length > 0;
    } else {
      setPretrained(null);
      $('fresh-head').checked = false;
    }
    this.show();
  }

  fromScratch() {
    setPretrained(null);
    $('fresh-head').checked = false;
    this.show();
    this.changed();
  }

  show() {
    const model = currentPretrained();
    $('pretrained-info').textContent = model
      ? `starts from ${model.name}: stated test accuracy ${formatNumber(model.testAccuracy)} on ${model.testExamples} examples`
      : 'starts from the seed\u2019s weights';
    $('pretrained-info').dataset.from = model ? model.name : '';
    $('from-scratch').disabled = !model;
    $('fresh-head').disabled = !model;
    $('race-scratch').disabled = !model;
  }

  /** Scores the playground's network as it is now on its data's test part (the run is built first if the config changed). */
  async score() {
    $('score-error').textContent = '';
    const run = await this.controls.ensureRun();
    if (!run) {
      return;
    }
    const answer = await postJson(runPath(run, 'evaluate'), {part: 'test'});
    const out = $('test-score');
    if (!answer.ok) {
      $('score-error').textContent = answer.body.error;
      return;
    }
    out.dataset.accuracy = String(answer.body.accuracy);
    out.dataset.examples = String(answer.body.examples);
    out.dataset.step = String(answer.body.step);
    out.textContent = `test accuracy ${formatNumber(answer.body.accuracy)}, loss ${formatNumber(answer.body.loss)}`
      + ` (${answer.body.examples} examples, after ${answer.body.step} steps)`;
  }

  /** A race of two setups with the page's optimizer: from the pre-trained weights, and from the seed's. */
  raceScratch() {
    const model = currentPretrained();
    if (!model) {
      return;
    }
    this.race.startWith([{label: `from ${model.name}`}, {label: 'from scratch', init: null}]);
  }
}

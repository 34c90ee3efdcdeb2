// The playground run's views: stats, curves, markers, boundary or fit, weights, histograms and
// confusion. A `run` event (a new run or a reset) starts them over; events of other runs are
// not for these views.
import {CurveChart} from './charts.js';
import {BoundaryView, FitView} from './boundary.js';
import {Scatter3dView} from './scatter3d.js';
import {WeightsView} from './heatmap.js';
import {HistogramsView} from './histograms.js';
import {renderConfusion} from './confusion.js';
import {renderFlow} from './flow.js';
import {NetworkView} from './network.js';
import {schedule, scheduleInView, scheduleText} from './frame.js';
import {formatNumber} from './codec.js';
import {element} from './dom.js';

const $ = (id) => document.getElementById(id);

/** Shows a request's answered status unless the stream has told a newer one since the request went out. */
export function showAnsweredStatus(playground, eventsBefore, status) {
  if (playground.statusEvents === eventsBefore) {
    showStatus(document.getElementById('status'), status);
  }
}

export function showStatus(el, status, message) {
  const text = String(status ?? 'unknown');
  el.dataset.status = text;
  el.textContent = message ? `${text}: ${message}` : text;
}

export class Playground {
  constructor() {
    this.run = null;
    /** The status events applied so far: an HTTP answer's status is older than any that came after its request. */
    this.statusEvents = 0;
    this.info = null;
    this.loss = new CurveChart($('loss-chart'), 'loss');
    this.accuracy = new CurveChart($('accuracy-chart'), 'accuracy');
    this.boundary = new BoundaryView($('boundary'), $('boundary-axes'));
    this.fit = new FitView($('fit'));
    this.scatter3d = new Scatter3dView($('scatter3d'), $('scatter3d-axes'), $('scatter3d-reset'));
    this.weights = new WeightsView($('weights'), $('tooltip'));
    this.histograms = new HistogramsView($('histograms'));
    this.network = new NetworkView($('network'), $('network-info'), $('tooltip'));
    // Set by main.js: the step-by-step walk, which a new run starts over too.
    this.backprop = null;
    this.confusions = {};
    this.part = $('confusion-part').value;
    this.drawConfusion = () => renderConfusion($('confusion'), this.confusions[this.part] || null);
    this.flow = null;
    this.drawFlow = () => renderFlow($('flow'), this.flow);
    this.epochTitle = '';
    this.writeEpochTitle = () => {
      $('epoch').title = this.epochTitle;
    };
  }

  /** Takes run id as the playground's before its `run` event arrives. */
  expect(run) {
    if (run !== this.run) {
      this.run = run;
      this.clear();
    }
  }

  /** A run's data as the `run` event or /api/state gives it. */
  adopt(info) {
    this.run = info.run;
    this.info = info;
    this.clear();
    const regression = info.task === 'regression';
    $('fit-panel').hidden = !regression;
    $('boundary-panel').hidden = regression;
    $('accuracy-section').hidden = regression;
    if (info.status) {
      showStatus($('status'), info.status);
    }
    scheduleText('epoch', `0 / ${info.epochs ?? '?'}`);
  }

  clear() {
    for (const chart of [this.loss, this.accuracy]) {
      chart.clear();
    }
    this.boundary.clear();
    this.fit.clear();
    this.scatter3d.clear();
    this.weights.clear();
    this.histograms.clear();
    this.network.clear();
    if (this.backprop) {
      this.backprop.clear();
    }
    this.confusions = {};
    this.flow = null;
    renderConfusion($('confusion'), null);
    renderFlow($('flow'), null);
    $('markers').replaceChildren();
    for (const id of ['step', 'epoch', 'train-loss', 'train-accuracy', 'val-loss', 'val-accuracy',
      'samples-per-second']) {
      // Through the frame too, so that a number of the run before, still waiting, cannot follow it.
      scheduleText(id, '–');
    }
  }

  showPart(part) {
    this.loss.showPart(part);
    this.accuracy.showPart(part);
  }

  showConfusionPart(part) {
    this.part = part;
    renderConfusion($('confusion'), this.confusions[part] || null);
  }

  handle(type, data) {
    switch (type) {
      case 'run': this.adopt(data); break;
      case 'status':
        this.statusEvents++;
        showStatus($('status'), data.status, data.message);
        break;
      case 'batch': this.batch(data); break;
      case 'epoch': this.epoch(data); break;
      case 'marker': this.marker(data); break;
      case 'data':
        this.boundary.setData(data);
        this.fit.setData(data);
        this.scatter3d.setData(data);
        showFeatureChoice(data);
        break;
      case 'boundary': this.boundary.setBoundary(data); break;
      case 'fit': this.fit.setFit(data); break;
      case 'weights': this.weights.update(data); break;
      case 'histograms': this.histograms.update(data); break;
      case 'flow':
        this.flow = data;
        scheduleInView($('flow'), this.drawFlow);
        break;
      case 'network': this.network.update(data); break;
      case 'confusion':
        this.confusions[data.part] = data;
        if (data.part === this.part) {
          scheduleInView($('confusion'), this.drawConfusion);
        }
        break;
      case 'error': showStatus($('status'), 'error', data.message); break;
      default: break;
    }
  }

  batch(data) {
    const points = data.points || [];
    for (const [step, loss, accuracy] of points) {
      this.loss.addBatch(step, loss);
      if (accuracy !== null && accuracy !== undefined) {
        this.accuracy.addBatch(step, accuracy);
      }
    }
    const last = points[points.length - 1];
    if (last) {
      scheduleText('step', String(last[0]));
      scheduleText('train-loss', formatNumber(last[1]));
      scheduleText('train-accuracy', formatNumber(last[2]));
    }
    const epochs = this.info ? this.info.epochs : '?';
    scheduleText('epoch', `${data.epoch ?? '?'} / ${epochs ?? '?'}`);
    this.epochTitle = `batch ${data.batch ?? '?'} of ${data.batches ?? '?'}`;
    schedule(this.writeEpochTitle);
    scheduleText('samples-per-second', formatNumber(data.samplesPerSecond, 3));
  }

  epoch(data) {
    for (const e of data.earlier || []) {
      this.loss.addEpoch(e.step, e.trainLoss, e.valLoss);
      this.accuracy.addEpoch(e.step, e.trainAccuracy, e.valAccuracy);
    }
    this.loss.addEpoch(data.step, data.trainLoss, data.valLoss);
    this.accuracy.addEpoch(data.step, data.trainAccuracy, data.valAccuracy);
    scheduleText('val-loss', formatNumber(data.valLoss));
    scheduleText('val-accuracy', formatNumber(data.valAccuracy));
    scheduleText('train-loss', formatNumber(data.trainLoss));
    scheduleText('train-accuracy', formatNumber(data.trainAccuracy));
    scheduleText('samples-per-second', formatNumber(data.samplesPerSecond, 3));
  }

  marker(data) {
    this.loss.addMarker(data.step, data.text);
    this.accuracy.addMarker(data.step, data.text);
    const li = document.createElement('li');
    li.dataset.step = String(data.step);
    li.textContent = `step ${data.step}: ${data.text ?? ''}`;
    $('markers').append(li);
  }
}

/**
 * With more than two features, selects pick the ones the scatter plots, and a third for the 3-D
 * view (off until chosen: the server then sends that feature too).
 */
function showFeatureChoice(data) {
  const box = $('feature-axes');
  const count = data.features ?? 0;
  box.hidden = !(count > 2);
  $('scatter3d-view').hidden = box.hidden || !Array.isArray(data.z);
  if (box.hidden) {
    return;
  }
  const names = Array.from({length: count}, (_, i) => String(data.featureNames?.[i] ?? `feature ${i + 1}`));
  const key = JSON.stringify(names);
  for (const [id, chosen, off] of [['x-feature', data.xIndex, false], ['y-feature', data.yIndex, false],
    ['z-feature', data.zIndex ?? -1, true]]) {
    const select = $(id);
    if (select.dataset.names !== key) {
      select.dataset.names = key;
      select.replaceChildren(...(off ? [featureOption(-1, 'off')] : []),
        ...names.map((name, i) => featureOption(i, name)));
    }
    select.value = String(chosen ?? 0);
  }
}

function featureOption(value, text) {
  const option = element('option', '', text);
  option.value = String(value);
  return option;
}

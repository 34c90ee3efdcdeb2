// Runs of `gatun train --live`: one card each, side by side, with progress, loss and accuracy
// curves and the latest confusion matrix. Its text and tables change in the views' frame, not at
// each event: a CLI run streams several events a second, and the browser shares the machine.
import {CurveChart} from './charts.js';
import {scheduleInView, scheduleText} from './frame.js';
import {renderConfusion} from './confusion.js';
import {formatNumber} from './codec.js';
import {showStatus} from './playground.js';
import {element} from './dom.js';

class RunCard {
  constructor(container, info) {
    this.el = element('div', 'run-card');
    this.el.dataset.run = String(info.run);
    this.title = element('h3', 'run-name');
    this.status = element('span', 'run-status', '');
    this.progress = element('p', 'run-progress', '');
    const lossEl = element('div', 'run-loss chart');
    const accuracyEl = element('div', 'run-accuracy chart');
    this.confusionEl = element('div', 'run-confusion confusion');
    this.el.append(this.title, this.status, this.progress, lossEl, accuracyEl, this.confusionEl);
    container.append(this.el);
    this.loss = new CurveChart(lossEl, 'loss', 150, false);
    this.accuracy = new CurveChart(accuracyEl, 'accuracy', 150, false);
    this.confusion = null;
    this.drawConfusion = () => renderConfusion(this.confusionEl, this.confusion);
    this.adopt(info);
  }

  adopt(info) {
    this.info = info;
    this.title.textContent = String(info.name ?? info.run);
    this.title.title = String(info.folder ?? '');
    this.loss.clear();
    this.accuracy.clear();
    this.showConfusion(null);
    scheduleText(this.progress, `epoch 0 / ${info.epochs ?? '?'}`);
    if (info.status) {
      showStatus(this.status, info.status);
    }
  }

  handle(type, data) {
    switch (type) {
      case 'run': this.adopt(data); break;
      case 'status': showStatus(this.status, data.status, data.message); break;
      case 'batch': {
        for (const [step, loss, accuracy] of data.points || []) {
          this.loss.addBatch(step, loss);
          if (accuracy !== null && accuracy !== undefined) {
            this.accuracy.addBatch(step, accuracy);
          }
        }
        scheduleText(this.progress, `epoch ${data.epoch ?? '?'} / ${this.info.epochs ?? '?'}, `
          + `batch ${data.batch ?? '?'} / ${data.batches ?? '?'}, `
          + `${formatNumber(data.samplesPerSecond, 3)} samples/s`);
        break;
      }
      case 'epoch':
        for (const e of [...(data.earlier || []), data]) {
          this.loss.addEpoch(e.step, e.trainLoss, e.valLoss);
          this.accuracy.addEpoch(e.step, e.trainAccuracy, e.valAccuracy);
        }
        break;
      case 'marker':
        this.loss.addMarker(data.step, data.text);
        this.accuracy.addMarker(data.step, data.text);
        break;
      case 'confusion': this.showConfusion(data); break;
      case 'error': showStatus(this.status, 'error', data.message); break;
      default: break;
    }
  }

  showConfusion(event) {
    this.confusion = event;
    scheduleInView(this.confusionEl, this.drawConfusion);
  }
}

export class LiveRuns {
  constructor(container) {
    this.container = container;
    this.cards = new Map();
  }

  has(run) {
    return this.cards.has(run);
  }

  /** A live run's data as the `run` event or /api/state gives it. */
  adopt(info) {
    const card = this.cards.get(info.run);
    if (card) {
      card.adopt(info);
    } else {
      this.cards.set(info.run, new RunCard(this.container, info));
    }
  }

  handle(type, data) {
    if (type === 'run') {
      this.adopt(data);
    } else {
      this.cards.get(data.run)?.handle(type, data);
    }
  }
}

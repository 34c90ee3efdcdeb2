// A training curve on uPlot: x is the optimizer step; per-batch train points, per-epoch train
// and validation points, and markers drawn as dashed vertical lines. Points are appended to
// plain arrays and the chart gets them through setData at most 4 times a second, so 100,000
// points cost a few redraws a second, not one per point. A chart scrolled out of view is not
// drawn at all until it comes back: the browser shares the machine with the training it shows.
import uPlot from '/vendor/uplot/uPlot.esm.js';
import {schedule, scheduleInView} from './frame.js';
import {SERIES} from './colors.js';

/** The shortest time between two redraws of a curve. */
const MIN_REDRAW_MS = 250;

function drawMarkers(u, markers) {
  if (markers.length === 0) {
    return;
  }
  const ctx = u.ctx;
  const {left, top, width, height} = u.bbox;
  const ratio = window.devicePixelRatio || 1;
  ctx.save();
  ctx.beginPath();
  ctx.rect(left, top, width, height);
  ctx.clip();
  ctx.strokeStyle = SERIES.marker;
  ctx.fillStyle = SERIES.marker;
  ctx.lineWidth = ratio;
  ctx.setLineDash([5 * ratio, 4 * ratio]);
  ctx.font = `${10 * ratio}px system-ui, sans-serif`;
  ctx.textBaseline = 'top';
  const gap = 3 * ratio;
  markers.forEach((marker, i) => {
    const x = Math.round(u.valToPos(marker.step, 'x', true));
    if (x < left || x > left + width) {
      return;
    }
    ctx.beginPath();
    ctx.moveTo(x + 0.5, top);
    ctx.lineTo(x + 0.5, top + height);
    ctx.stroke();
    // The text goes right of its line unless it would leave the plot there.
    const fits = x + gap + ctx.measureText(marker.text).width <= left + width;
    ctx.textAlign = fits ? 'left' : 'right';
    ctx.fillText(marker.text, fits ? x + gap : x - gap, top + (2 + (i % 3) * 12) * ratio);
  });
  ctx.restore();
}

export class CurveChart {
  /**
   * @param el the element the chart goes in; it gets data-points (train points) and data-markers
   * @param name 'loss' or 'accuracy', the y label
   * @param height the plot's height in CSS pixels
   * @param legend whether the chart has its legend
   */
  constructor(el, name, height = 190, legend = true) {
    this.el = el;
    this.name = name;
    this.height = height;
    this.markers = [];
    this.reset();
    const markers = this.markers;
    // Dots on the epoch points only while they are far apart: thousands of arcs per frame cost
    // more than the lines.
    const sparse = (u) => this.epochPoints * 8 * (window.devicePixelRatio || 1) < u.bbox.width;
    this.plot = new uPlot({
      width: this.width(),
      height,
      scales: {x: {time: false}},
      legend: {show: legend, live: true},
      cursor: {drag: {x: true, y: false}},
      axes: [{label: 'step', size: 36, labelSize: 14}, {label: name, size: 50, labelSize: 14}],
      series: [
        {label: 'step'},
        {label: 'train (batch)', stroke: SERIES.train, width: 1, alpha: 0.7, spanGaps: true},
        {label: 'train (epoch)', stroke: SERIES.trainEpoch, width: 2, spanGaps: true,
          points: {show: sparse, size: 5}},
        {label: 'validation', stroke: SERIES.validation, width: 2, spanGaps: true,
          points: {show: sparse, size: 5}},
      ],
      hooks: {draw: [(u) => {
        drawMarkers(u, markers);
        this.drawn();
      }]},
    }, this.data, el);
    // The element's width comes from the layout (the chart's own canvas is clipped by it), so
    // following it cannot loop.
    new ResizeObserver(() => this.resize()).observe(el);
    this.countPoints = () => {
      this.el.dataset.points = String(this.trainPoints);
      this.el.dataset.markers = String(this.markers.length);
    };
    this.redraw = () => {
      this.started = performance.now();
      this.plot.setData(this.data);
    };
  }

  /**
   * After a redraw: the next comes at most 4 times a second, and waits nine times as long as this
   * one took, so a long curve keeps a tenth of a core at most: the browser shares the machine with
   * the training it shows.
   */
  drawn() {
    if (this.started > 0) {
      const now = performance.now();
      this.notBefore = now + Math.max(MIN_REDRAW_MS, 9 * (now - this.started));
      this.started = 0;
    }
  }

  width() {
    return Math.max(240, Math.floor(this.el.clientWidth || 480));
  }

  resize() {
    const width = this.width();
    if (this.el.clientWidth > 0 && width !== this.plot.width) {
      this.plot.setSize({width, height: this.height});
    }
  }

  reset() {
    this.steps = [];
    this.batch = [];
    this.epochTrain = [];
    this.epochValidation = [];
    this.data = [this.steps, this.batch, this.epochTrain, this.epochValidation];
    this.markers.length = 0;
    this.trainPoints = 0;
    this.epochPoints = 0;
    this.el.dataset.points = '0';
    this.el.dataset.markers = '0';
  }

  clear() {
    this.reset();
    this.changed();
  }

  /** The index of step's column, made where missing (the steps stay ascending). */
  column(step) {
    const steps = this.steps;
    const n = steps.length;
    if (n === 0 || step > steps[n - 1]) {
      steps.push(step);
      this.batch.push(null);
      this.epochTrain.push(null);
      this.epochValidation.push(null);
      return n;
    }
    let lo = 0;
    let hi = n - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (steps[mid] === step) {
        return mid;
      }
      if (steps[mid] < step) {
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    steps.splice(lo, 0, step);
    this.batch.splice(lo, 0, null);
    this.epochTrain.splice(lo, 0, null);
    this.epochValidation.splice(lo, 0, null);
    return lo;
  }

  addBatch(step, value) {
    if (!Number.isFinite(step)) {
      return;
    }
    this.batch[this.column(step)] = Number.isFinite(value) ? value : null;
    this.trainPoints++;
    this.changed();
  }

  addEpoch(step, train, validation) {
    if (!Number.isFinite(step)) {
      return;
    }
    const i = this.column(step);
    this.epochPoints++;
    this.epochTrain[i] = Number.isFinite(train) ? train : null;
    this.epochValidation[i] = Number.isFinite(validation) ? validation : null;
    this.changed();
  }

  addMarker(step, text) {
    this.markers.push({step, text: String(text ?? '')});
    this.changed();
  }

  /** part: 'train', 'validation' or 'both'. */
  showPart(part) {
    this.plot.setSeries(1, {show: part !== 'validation'});
    this.plot.setSeries(2, {show: part !== 'validation'});
    this.plot.setSeries(3, {show: part !== 'train'});
  }

  changed() {
    if (!this.redraw || this.timer) {
      return;
    }
    // The counts are the page's record of what arrived, kept whether or not the chart is seen.
    const request = () => {
      schedule(this.countPoints);
      scheduleInView(this.el, this.redraw);
    };
    const wait = (this.notBefore || 0) - performance.now();
    if (wait > 1) {
      this.timer = setTimeout(() => {
        this.timer = 0;
        request();
      }, wait);
    } else {
      request();
    }
  }
}

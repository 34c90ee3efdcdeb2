// Several runs' curves on one uPlot chart, x = optimizer step: one series per run, on columns
// shared by every series (a step only one run has reached leaves the others' cells empty, and the
// lines span the gaps). Redrawn at most 4 times a second, like the playground's curves.
import uPlot from '/vendor/uplot/uPlot.esm.js';
import {schedule} from './frame.js';

const MIN_REDRAW_MS = 250;

export class OverlayChart {
  /**
   * @param el the element the chart goes in; it gets data-series and data-points
   * @param name the y label
   * @param x the x label
   * @param height the plot's height in CSS pixels
   */
  constructor(el, name, x = 'step', height = 200) {
    this.el = el;
    this.name = name;
    this.x = x;
    this.height = height;
    this.plot = null;
    new ResizeObserver(() => this.resize()).observe(el);
    this.setSeries([]);
  }

  /** Starts over with one series per {label, color}. */
  setSeries(series) {
    this.series = series;
    this.steps = [];
    this.values = series.map(() => []);
    this.points = series.map(() => 0);
    this.data = [this.steps, ...this.values];
    if (this.plot) {
      this.plot.destroy();
    }
    this.el.dataset.series = String(series.length);
    this.el.dataset.points = '';
    this.plot = new uPlot({
      width: this.width(),
      height: this.height,
      scales: {x: {time: false}},
      legend: {show: true, live: true},
      axes: [{label: this.x, size: 36, labelSize: 14}, {label: this.name, size: 50, labelSize: 14}],
      series: [{label: this.x}, ...series.map((s) => ({label: s.label, stroke: s.color, width: 2, spanGaps: true}))],
      hooks: {draw: [() => this.drawn()]},
    }, this.data, this.el);
  }

  width() {
    return Math.max(240, Math.floor(this.el.clientWidth || 480));
  }

  resize() {
    if (this.plot && this.el.clientWidth > 0 && this.width() !== this.plot.width) {
      this.plot.setSize({width: this.width(), height: this.height});
    }
  }

  /** The index of x's column, made where missing (the columns stay ascending). */
  column(x) {
    const steps = this.steps;
    const n = steps.length;
    let at = n;
    if (n > 0 && x <= steps[n - 1]) {
      let lo = 0;
      let hi = n - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (steps[mid] === x) {
          return mid;
        }
        if (steps[mid] < x) {
          lo = mid + 1;
        } else {
          hi = mid - 1;
        }
      }
      at = lo;
    }
    steps.splice(at, 0, x);
    for (const values of this.values) {
      values.splice(at, 0, null);
    }
    return at;
  }

  /** Adds series i's value at x. */
  add(i, x, value) {
    if (i < 0 || i >= this.values.length || !Number.isFinite(x)) {
      return;
    }
    this.values[i][this.column(x)] = Number.isFinite(value) ? value : null;
    this.points[i]++;
    this.el.dataset.points = this.points.join(',');
    this.changed();
  }

  drawn() {
    if (this.started > 0) {
      const now = performance.now();
      this.notBefore = now + Math.max(MIN_REDRAW_MS, 9 * (now - this.started));
      this.started = 0;
    }
  }

  changed() {
    if (this.timer) {
      return;
    }
    const redraw = () => {
      this.started = performance.now();
      this.plot.setData(this.data);
    };
    const wait = (this.notBefore || 0) - performance.now();
    if (wait > 1) {
      this.timer = setTimeout(() => {
        this.timer = 0;
        schedule(redraw);
      }, wait);
    } else {
      schedule(redraw);
    }
  }
}

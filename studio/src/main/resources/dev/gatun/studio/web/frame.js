// One requestAnimationFrame for all views: a view asks to be redrawn as often as events come, and
// every view that changed is redrawn together in the next frame. Frames come at most 4 times a
// second, and wait nine times as long as the last one's drawing took: the browser shares the
// machine with the training it shows, and on 2 cores each frame of a page that redrew its views
// apart (curves, boundary, heat maps, histograms at their own rates) cost the training its speed.
import {setText} from './dom.js';

const MIN_FRAME_MS = 250;
const DRAWING_SHARE = 0.1;

const pending = new Set();
let requested = false;
let notBefore = 0;

function flush() {
  requested = false;
  const start = performance.now();
  const jobs = [...pending];
  pending.clear();
  for (const job of jobs) {
    try {
      job();
    } catch (e) {
      console.warn('redraw failed:', e);
    }
  }
  notBefore = start + Math.max(MIN_FRAME_MS, (performance.now() - start) / DRAWING_SHARE);
}

export function schedule(job) {
  pending.add(job);
  if (requested) {
    return;
  }
  requested = true;
  const wait = notBefore - performance.now();
  if (wait > 1) {
    setTimeout(() => requestAnimationFrame(flush), wait);
  } else {
    requestAnimationFrame(flush);
  }
}

// A view's drawing waits while its element is out of the viewport (scrolled away, or hidden):
// nobody sees it, and on 2 cores a browser drawing every view of a long page takes a share of a
// core from the training it shows. The waiting jobs run once the element comes into view.
const held = new WeakMap();
const offscreen = new WeakSet();
const observed = new WeakSet();
const observer = new IntersectionObserver((entries) => {
  for (const entry of entries) {
    const element = entry.target;
    if (!entry.isIntersecting) {
      offscreen.add(element);
      continue;
    }
    offscreen.delete(element);
    const jobs = held.get(element);
    held.delete(element);
    for (const job of jobs ?? []) {
      schedule(job);
    }
  }
});

/**
 * Schedules a view's job like {@link schedule} while element is in view; else the job waits and
 * runs when element comes into view.
 */
export function scheduleInView(element, job) {
  if (!observed.has(element)) {
    // Held until the observer's first answer, which comes with the next rendering.
    observed.add(element);
    offscreen.add(element);
    observer.observe(element);
  }
  if (offscreen.has(element)) {
    let jobs = held.get(element);
    if (!jobs) {
      jobs = new Set();
      held.set(element, jobs);
    }
    jobs.add(job);
    return;
  }
  schedule(job);
}

// Text shown by id or element, set in the next frame with the views: numbers that change with
// every event would otherwise make the browser lay out and paint the page once per event.
const texts = new Map();

function writeTexts() {
  for (const [target, text] of texts) {
    const el = typeof target === 'string' ? document.getElementById(target) : target;
    if (el) {
      setText(el, text);
    }
  }
  texts.clear();
}

/**
 * Sets the text of an element (or of the element with this id) in the next frame; the last text
 * asked for wins.
 */
export function scheduleText(target, text) {
  texts.set(target, text);
  schedule(writeTexts);
}

// One requestAnimationFrame for all views: a view asks to be redrawn as often as events come, and
// every view that changed is redrawn together in the next frame. Frames come at most 4 times a
// second, and wait nine times as long as the last one's drawing took: the browser shares the
// machine with the training it shows, and on 2 cores each frame of a page that redrew its views
// apart (curves, boundary, heat maps, histograms at their own rates) cost the training its speed.

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

// Text shown by id or element, set in the next frame with the views: numbers that change with
// every event would otherwise make the browser lay out and paint the page once per event.
const texts = new Map();

function writeTexts() {
  for (const [target, text] of texts) {
    const el = typeof target === 'string' ? document.getElementById(target) : target;
    if (el) {
      el.textContent = text;
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

// One requestAnimationFrame for all views: a view asks to be redrawn as often as events come,
// and is redrawn at most once per frame.

const pending = new Set();
let requested = false;

function flush() {
  requested = false;
  const jobs = [...pending];
  pending.clear();
  for (const job of jobs) {
    try {
      job();
    } catch (e) {
      console.warn('redraw failed:', e);
    }
  }
}

export function schedule(job) {
  pending.add(job);
  if (!requested) {
    requested = true;
    requestAnimationFrame(flush);
  }
}

// The one way the page makes an element: a tag, a class and a text that goes in as text, never
// as HTML (text from the server may hold anything).

export function element(tag, className, text) {
  const el = document.createElement(tag);
  if (className) {
    el.className = className;
  }
  if (text !== undefined) {
    el.textContent = text;
  }
  return el;
}

/** Sets an element's text only when it differs: a write of the same text still makes the browser lay out again. */
export function setText(el, text) {
  if (el.textContent !== text) {
    el.textContent = text;
  }
}

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

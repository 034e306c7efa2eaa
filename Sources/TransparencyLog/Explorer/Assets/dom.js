// Building the page from data: every string becomes a text node. Nothing the log returns is ever
// parsed as HTML (no innerHTML anywhere in the explorer).

export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  append(node, children);
  return node;
}

export function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function replace(node, ...children) {
  node.replaceChildren();
  return append(node, children);
}

// A definition list from [term, description] pairs; descriptions may be nodes.
export function facts(pairs) {
  return el('dl', { class: 'facts' }, pairs.filter(Boolean).map(([term, value]) => [el('dt', {}, term), el('dd', {}, value)]));
}

export function formatTime(unixSeconds) {
  const date = new Date(unixSeconds * 1000);
  return { local: date.toLocaleString(undefined, { timeZoneName: 'short' }), utc: date.toISOString().replace('.000Z', 'Z') };
}

export function hashLink(href, text) {
  return el('a', { href, class: 'mono' }, text);
}

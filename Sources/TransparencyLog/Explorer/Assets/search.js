// Finding entries: what a query is (digest, email or identity, UUID, log index, public key), the
// file hash computed in the browser, and paged result lists.
import { el, replace, formatTime } from './dom.js';
import { api } from './api.js';
import { identitiesOf } from './entrybody.js';
import { pemToDer, bytesToBase64, bytesToHex, sha256 } from './encoding.js';

// What the text asks for, or { error } saying why it is none of them.
export function classify(text) {
  const q = text.trim();
  if (q === '') return { error: 'Type a digest, email, UUID, log index or public key, or pick a file.' };
  if (/^[0-9]+$/.test(q)) {
    const index = Number(q);
    return Number.isSafeInteger(index) ? { type: 'index', index } : { error: `${q} is too large to be a log index.` };
  }
  if (q.startsWith('-----BEGIN')) {
    try { return { type: 'publicKey', der: pemToDer(q).der }; } catch { return { error: 'That PEM block could not be read.' }; }
  }
  const prefixed = /^(sha256|sha384|sha512):([0-9a-fA-F]+)$/.exec(q);
  if (prefixed) {
    const lengths = { sha256: 64, sha384: 96, sha512: 128 };
    return prefixed[2].length === lengths[prefixed[1].toLowerCase()] ? { type: 'hash', hash: q.toLowerCase() }
      : { error: `A ${prefixed[1]} digest has ${lengths[prefixed[1].toLowerCase()]} hex digits, not ${prefixed[2].length}.` };
  }
  if (/^[0-9a-fA-F]{80}$/.test(q)) return { type: 'uuid', uuid: q.toLowerCase() };
  if (/^[0-9a-fA-F]{64}$/.test(q)) return { type: 'hashOrUUID', hash: `sha256:${q.toLowerCase()}`, uuid: q.toLowerCase() };
  if (/^[0-9a-fA-F]{96}$/.test(q)) return { type: 'hash', hash: `sha384:${q.toLowerCase()}` };
  if (/^[0-9a-fA-F]{128}$/.test(q)) return { type: 'hash', hash: `sha512:${q.toLowerCase()}` };
  if (/^[^\s@]+@[^\s@]+$/.test(q)) return { type: 'identity', field: 'email', value: q };
  if (/^[a-z][a-z0-9+.-]*:\/\/\S+$/i.test(q)) return { type: 'identity', field: 'subject', value: q };
  return { error: `"${q.length > 80 ? `${q.slice(0, 80)}…` : q}" is not a digest, email, URI identity, UUID, log index or public key.` };
}

function resultsTable(entries) {
  return el('table', { class: 'results', 'data-testid': 'results' },
    el('caption', { class: 'sr-only' }, 'Entries found'),
    el('thead', {}, el('tr', {}, ['Index', 'Integrated (UTC)', 'Kind', 'Identity', 'UUID'].map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, entries.map((e) => el('tr', {},
      el('td', {}, el('a', { href: `#/entry/${e.uuid}`, 'data-testid': 'result-link' }, String(e.logIndex))),
      el('td', {}, formatTime(e.integratedTime).utc),
      el('td', {}, e.kind),
      el('td', { class: 'identity' }, identitiesOf(e.body)),
      el('td', { class: 'mono short' }, `${e.uuid.slice(0, 16)}…`)))));
}

function queryFor(kind) {
  if (kind.type === 'publicKey') return { publicKey: { format: 'x509', content: bytesToBase64(kind.der) } };
  if (kind.type === 'identity') return { [kind.field]: kind.value };
  return { hash: kind.hash };
}

// Renders the results of `text` from log index `from` into `main`; true when it moved on to an
// entry's page instead (a UUID or a log index).
export async function showSearch(main, text, from = 0, fileNote = null, perPage = 20) {
  const kind = classify(text);
  const heading = el('h2', { tabindex: '-1' }, 'Search');
  if (kind.error) {
    replace(main, heading, el('p', { class: 'error', role: 'alert', 'data-testid': 'message' }, kind.error));
    return false;
  }
  if (kind.type === 'index' || kind.type === 'uuid') {
    location.hash = kind.type === 'index' ? `#/index/${kind.index}` : `#/entry/${kind.uuid}`;
    return true;
  }
  replace(main, heading, fileNote, el('p', { role: 'status' }, 'Searching…'));
  const started = performance.now();
  let page, byUUID = null;
  try {
    [page, byUUID] = await Promise.all([
      api.search({ ...queryFor(kind), from, limit: perPage }),
      kind.type === 'hashOrUUID' ? api.entryByUUID(kind.uuid).catch(() => null) : null,
    ]);
  } catch (error) {
    replace(main, heading, fileNote, el('p', { class: 'error', role: 'alert', 'data-testid': 'message' }, `The search failed: ${error.message}`));
    return false;
  }
  const what = kind.type === 'identity' ? `identity ${kind.value}` : kind.type === 'publicKey' ? 'this public key' : kind.hash;
  const pager = el('nav', { class: 'pager', 'aria-label': 'Result pages' },
    from > 0 ? el('button', { type: 'button', 'data-testid': 'previous-page', onclick: () => history.back() }, 'Previous page') : null,
    page.next !== null ? el('button', { type: 'button', 'data-testid': 'next-page', onclick: () => {
      location.hash = `#/search?q=${encodeURIComponent(text)}&from=${page.next}${perPage === 20 ? '' : `&per=${perPage}`}`;
    } }, 'Next page') : null);
  replace(main, heading, fileNote,
    byUUID ? el('p', {}, 'An entry has this UUID: ', el('a', { href: `#/entry/${kind.uuid}`, 'data-testid': 'uuid-match' }, `entry ${byUUID.logIndex}`)) : null,
    el('p', { role: 'status', 'data-testid': 'result-count' }, page.entries.length === 0 && from === 0
      ? `No entries for ${what}.` : `Entries for ${what}${from > 0 ? `, from log index ${from}` : ''}: ${page.entries.length}${page.next !== null ? ' on this page' : ''}.`),
    page.entries.length ? resultsTable(page.entries) : null,
    pager);
  main.dataset.renderMs = String(Math.round(performance.now() - started));
  heading.focus();
  return false;
}

// Hashes a file in the browser (it is never uploaded) and searches for its digest.
export async function hashFile(file) {
  const digest = bytesToHex(await sha256(new Uint8Array(await file.arrayBuffer())));
  return `sha256:${digest}`;
}

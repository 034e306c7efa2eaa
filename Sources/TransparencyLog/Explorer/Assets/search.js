// Finding entries: what a query is (digest, email or identity, UUID, log index, public key), the
// file hash computed in the browser, and paged result lists across the Rekor v2 and v1 logs.
// Log indexes are per log: "v2:7" names one log's entry, a bare "7" asks both.
import { el, replace, formatTime } from './dom.js';
import { api } from './api.js';
import { identitiesOf, matchOf } from './entrybody.js';
import { LOG_TITLES } from './trust.js';
import { pemToDer, bytesToBase64, bytesToHex, sha256 } from './encoding.js';

// What the text asks for, or { error } saying why it is none of them.
export function classify(text) {
  const q = text.trim();
  if (q === '') return { error: 'Type a digest, email, UUID, log index or public key, or pick a file.' };
  const indexed = /^(?:(v[12])[:/])?([0-9]+)$/i.exec(q);
  if (indexed) {
    const index = Number(indexed[2]);
    const log = indexed[1] ? indexed[1].toLowerCase() : null;
    return Number.isSafeInteger(index) ? { type: 'index', index, log } : { error: `${indexed[2]} is too large to be a log index.` };
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

// `hash`: the digest searched for, when it was one; a column then says what each entry matched.
// `hashedFile`: that digest is of a file the auditor picked.
function resultsTable(entries, hash = null, hashedFile = false) {
  const headings = ['Log', 'Index', 'Integrated (UTC)', 'Kind', 'Identity', ...(hash ? ['Matched'] : []), 'UUID'];
  return el('table', { class: 'results', 'data-testid': 'results' },
    el('caption', { class: 'sr-only' }, 'Entries found'),
    el('thead', {}, el('tr', {}, headings.map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, entries.map((e) => el('tr', { 'data-log': e.log },
      el('td', { 'data-testid': 'result-log' }, e.log),
      el('td', {}, el('a', { href: entryHash(e), 'data-testid': 'result-link' }, String(e.logIndex))),
      el('td', {}, formatTime(e.integratedTime).utc),
      el('td', {}, e.kind),
      el('td', { class: 'identity' }, identitiesOf(e.body)),
      hash ? el('td', { 'data-testid': 'result-match' }, matchOf(e.body, hash, { v2: e.log === 'v2', hashedFile })) : null,
      el('td', { class: 'mono short' }, `${e.uuid.slice(0, 16)}…`)))));
}

// Where an entry of either log is shown.
export function entryHash(e) {
  return e.log === 'v2' ? `#/v2/index/${e.logIndex}` : `#/entry/${e.uuid}`;
}

// The entries of both logs at a log index (null where a log has none or there is no v2 log).
async function atIndex(index) {
  const missing = (error) => { if (error.status === 404 || /no Rekor v2 log/.test(error.message)) return null; throw error; };
  const { v2 } = await api.logs();
  const [inV1, inV2] = await Promise.all([
    api.entryByIndex(index).then(() => true).catch(missing),
    v2 ? api.entry('v2', { index }).then(() => true).catch(missing) : null,
  ]);
  return { v1: inV1, v2: inV2 };
}

function queryFor(kind) {
  if (kind.type === 'publicKey') return { publicKey: { format: 'x509', content: bytesToBase64(kind.der) } };
  if (kind.type === 'identity') return { [kind.field]: kind.value };
  return { hash: kind.hash };
}

// Renders the results of `text` from log index `from` into `main`; true when it moved on to an
// entry's page instead (a UUID or a log index).
export async function showSearch(main, text, from = 0, fileNote = null, perPage = 20, fromLog = null) {
  const kind = classify(text);
  const heading = el('h2', { tabindex: '-1' }, 'Search');
  if (kind.error) {
    replace(main, heading, el('p', { class: 'error', role: 'alert', 'data-testid': 'message' }, kind.error));
    return false;
  }
  if (kind.type === 'uuid' || (kind.type === 'index' && kind.log)) {
    location.hash = kind.type === 'uuid' ? `#/entry/${kind.uuid}` : kind.log === 'v2' ? `#/v2/index/${kind.index}` : `#/index/${kind.index}`;
    return true;
  }
  if (kind.type === 'index') {
    // Both logs may hold this index: open the only one, or let the auditor choose.
    let found;
    try { found = await atIndex(kind.index); } catch (error) {
      replace(main, heading, el('p', { class: 'error', role: 'alert', 'data-testid': 'message' }, `The search failed: ${error.message}`));
      return false;
    }
    if (!(found.v1 && found.v2)) {
      location.hash = found.v2 ? `#/v2/index/${kind.index}` : `#/index/${kind.index}`;
      return true;
    }
    replace(main, heading, el('p', { role: 'status', 'data-testid': 'result-count' }, `Both logs have an entry at log index ${kind.index}:`),
      el('ul', { class: 'plain', 'data-testid': 'index-choices' }, ['v2', 'v1'].map((log) => el('li', {},
        el('a', { href: log === 'v2' ? `#/v2/index/${kind.index}` : `#/index/${kind.index}`, 'data-testid': `index-${log}` }, `${LOG_TITLES[log]}, entry ${kind.index}`)))),
      el('p', { class: 'note' }, `Type v1:${kind.index} or v2:${kind.index} to go straight to one.`));
    heading.focus();
    return false;
  }
  replace(main, heading, fileNote, el('p', { role: 'status' }, 'Searching…'));
  const started = performance.now();
  let page, byUUID = null, byUUIDv2 = null;
  try {
    [page, byUUID, byUUIDv2] = await Promise.all([
      api.search({ ...queryFor(kind), from, limit: perPage, ...(fromLog ? { log: fromLog } : {}) }),
      kind.type === 'hashOrUUID' ? api.entryByUUID(kind.uuid).catch(() => null) : null,
      kind.type === 'hashOrUUID' ? api.logs().then(({ v2 }) => (v2 ? api.entry('v2', { uuid: kind.uuid }) : null)).catch(() => null) : null,
    ]);
  } catch (error) {
    replace(main, heading, fileNote, el('p', { class: 'error', role: 'alert', 'data-testid': 'message' }, `The search failed: ${error.message}`));
    return false;
  }
  const what = kind.type === 'identity' ? `identity ${kind.value}` : kind.type === 'publicKey' ? 'this public key' : kind.hash;
  const pager = el('nav', { class: 'pager', 'aria-label': 'Result pages' },
    from > 0 || fromLog ? el('button', { type: 'button', 'data-testid': 'previous-page', onclick: () => history.back() }, 'Previous page') : null,
    page.next !== null ? el('button', { type: 'button', 'data-testid': 'next-page', onclick: () => {
      location.hash = `#/search?q=${encodeURIComponent(text)}&log=${page.next.log}&from=${page.next.index}${perPage === 20 ? '' : `&per=${perPage}`}`;
    } }, 'Next page') : null);
  const start = from > 0 || fromLog ? `, from ${fromLog ? `${fromLog} ` : ''}log index ${from}` : '';
  replace(main, heading, fileNote,
    byUUID ? el('p', {}, 'An entry has this UUID: ', el('a', { href: `#/entry/${kind.uuid}`, 'data-testid': 'uuid-match' }, `entry ${byUUID.logIndex}`)) : null,
    byUUIDv2 ? el('p', {}, 'A Rekor v2 entry has this UUID: ', el('a', { href: `#/v2/index/${byUUIDv2.logIndex}`, 'data-testid': 'uuid-match-v2' }, `v2 entry ${byUUIDv2.logIndex}`)) : null,
    el('p', { role: 'status', 'data-testid': 'result-count' }, page.entries.length === 0 && !start
      ? `No entries for ${what}.` : `Entries for ${what}${start}: ${page.entries.length}${page.next !== null ? ' on this page' : ''}.`),
    page.entries.length ? resultsTable(page.entries, kind.hash || null, Boolean(kind.hash) && fileNote?.dataset.digest === kind.hash) : null,
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

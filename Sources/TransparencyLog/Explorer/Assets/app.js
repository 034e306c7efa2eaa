// The explorer's entry point: the search form (text, file pick or drop) and the hash routes
// #/search?q=…&log=…&from=…&per=…, #/entry/<uuid>, #/index/<n> (Rekor v1), #/v2/index/<n>,
// #/v2/entry/<uuid> (Rekor v2), #/overview, #/settings.
import { el, replace } from './dom.js';
import { showSearch, hashFile } from './search.js';
import { showEntry } from './entryview.js';
import { showOverview, stopOverview } from './overview.js';
import { showSettings } from './settings.js';

const main = document.getElementById('main');
const form = document.getElementById('search-form');
const input = document.getElementById('query');
const fileInput = document.getElementById('file');
const drop = document.getElementById('drop');
let fileNote = null;

form.addEventListener('submit', (event) => {
  event.preventDefault();
  fileNote = null;
  go(`#/search?q=${encodeURIComponent(input.value.trim())}`);
});

async function searchFile(file) {
  replace(main, el('p', { role: 'status' }, `Hashing ${file.name} in this browser…`));
  const digest = await hashFile(file);
  fileNote = el('p', { class: 'note', 'data-testid': 'file-digest', 'data-digest': digest }, `SHA-256 of ${file.name} (${file.size} bytes), computed in this browser; the file was not uploaded: ${digest.slice(7)}`);
  input.value = digest;
  go(`#/search?q=${encodeURIComponent(digest)}`);
}

fileInput.addEventListener('change', () => { if (fileInput.files[0]) searchFile(fileInput.files[0]); });
drop.addEventListener('dragover', (event) => { event.preventDefault(); drop.classList.add('over'); });
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (event) => {
  event.preventDefault();
  drop.classList.remove('over');
  if (event.dataTransfer.files[0]) searchFile(event.dataTransfer.files[0]);
});
drop.addEventListener('keydown', (event) => { if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); fileInput.click(); } });

function go(hash) {
  if (location.hash === hash) route(); else location.hash = hash;
}

async function route() {
  stopOverview();
  const hash = location.hash || '#/overview';
  const [path, query = ''] = hash.slice(1).split('?');
  const params = new URLSearchParams(query);
  document.querySelectorAll('nav.main a').forEach((a) => a.setAttribute('aria-current', a.getAttribute('href') === `#${path}` ? 'page' : 'false'));
  let m;
  if (path === '/search') {
    const q = params.get('q') || '';
    if (input.value.trim() !== q) input.value = q;
    const from = Number(params.get('from') || '0');
    const per = Number(params.get('per') || '20');
    // A UUID or index query moves on to the entry's route, which marks the page ready itself.
    const perPage = Number.isSafeInteger(per) && per >= 1 && per <= 100 ? per : 20;
    const log = params.get('log');
    if (await showSearch(main, q, Number.isSafeInteger(from) && from >= 0 ? from : 0, fileNote, perPage, log === 'v1' || log === 'v2' ? log : null)) return;
  } else if ((m = /^\/entry\/([0-9a-fA-F]{64}|[0-9a-fA-F]{80})$/.exec(path))) {
    await showEntry(main, { uuid: m[1].toLowerCase() });
  } else if ((m = /^\/index\/([0-9]+)$/.exec(path))) {
    await showEntry(main, { index: Number(m[1]) });
  } else if ((m = /^\/v2\/index\/([0-9]+)$/.exec(path))) {
    await showEntry(main, { index: Number(m[1]), log: 'v2' });
  } else if ((m = /^\/v2\/entry\/([0-9a-fA-F]{64})$/.exec(path))) {
    await showEntry(main, { uuid: m[1].toLowerCase(), log: 'v2' });
  } else if (path === '/settings') {
    await showSettings(main);
  } else if (path === '/overview') {
    await showOverview(main);
  } else {
    replace(main, el('h2', {}, 'Not a page of the explorer'), el('p', { class: 'error', 'data-testid': 'message' }, 'Use the search box or the links above.'));
  }
  document.body.dataset.ready = 'true';
}

window.addEventListener('hashchange', () => { document.body.dataset.ready = 'false'; route(); });
route();

// The trust settings, per log (Rekor v1, and Rekor v2 when the server runs one): which log key is
// pinned (and how), pasting another, forgetting state.
import { el, replace, facts } from './dom.js';
import { api } from './api.js';
import { importLogKey } from './checkpoint.js';
import { pinnedKeyPEM, pinnedKeySource, pinKey, forgetKey, forgetCheckpoint, lastCheckpoint, LOG_TITLES } from './trust.js';

async function describePinned(log) {
  const pem = pinnedKeyPEM(log);
  if (!pem) return 'No key pinned yet: the first proof pins the key the log serves (trust on first use).';
  try { const key = await importLogKey(pem); return `${key.label}, SPKI SHA-256 ${key.keyID} (${pinnedKeySource(log)})`; } catch (error) { return `unusable: ${error.message}`; }
}

// Test IDs and element IDs: pin-pem, pin-key, pinned-key for v1; the same with a v2- prefix for v2.
async function logSettings(log, status) {
  const id = (name) => (log === 'v2' ? `v2-${name}` : name);
  const areaID = log === 'v2' ? 'pin-v2-pem' : 'pin-pem';
  const area = el('textarea', { id: areaID, rows: 5, spellcheck: 'false', placeholder: '-----BEGIN PUBLIC KEY-----' });
  const last = lastCheckpoint(log);
  return el('section', { class: 'card', 'aria-label': LOG_TITLES[log] },
    el('h3', {}, LOG_TITLES[log]),
    facts([
      ['Pinned log key', el('span', { 'data-testid': id('pinned-key') }, await describePinned(log))],
      ['Last verified checkpoint', last ? `tree size ${last.treeSize}, root ${last.rootHash}` : 'none'],
    ]),
    el('p', {}, `Paste the ${LOG_TITLES[log]}'s public key as published by its operator (for Sigil: trusted_root.json, tlogs[].publicKey, or \`sigil-server init\` output).`),
    el('label', { for: areaID }, `${LOG_TITLES[log]} public key (PEM)`), area,
    el('div', { class: 'buttons' },
      el('button', { type: 'button', 'data-testid': id('pin-key'), onclick: async () => {
        try { const key = await pinKey(area.value, 'pasted', log); status.textContent = `Pinned ${key.label} key ${key.keyID} for the ${LOG_TITLES[log]}.`; }
        catch (error) { status.textContent = `Not pinned: ${error.message}`; }
      } }, 'Pin this key'),
      el('button', { type: 'button', onclick: () => { forgetKey(log); status.textContent = 'Pinned key forgotten.'; } }, 'Forget the pinned key'),
      el('button', { type: 'button', onclick: () => { forgetCheckpoint(log); status.textContent = 'Remembered checkpoints forgotten.'; } }, 'Forget remembered checkpoints')));
}

export async function showSettings(main) {
  const status = el('p', { role: 'status', 'data-testid': 'settings-status' });
  const { v2 } = await api.logs().catch(() => ({ v2: null }));
  replace(main,
    el('h2', { tabindex: '-1' }, 'Trust settings'),
    await logSettings('v1', status),
    v2 ? await logSettings('v2', status) : null,
    status);
}

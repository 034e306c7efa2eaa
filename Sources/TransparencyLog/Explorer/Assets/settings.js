// The trust settings: which log key is pinned (and how), pasting another, forgetting state.
import { el, replace, facts } from './dom.js';
import { importLogKey } from './checkpoint.js';
import { pinnedKeyPEM, pinnedKeySource, pinKey, forgetKey, forgetCheckpoint, lastCheckpoint } from './trust.js';

export async function showSettings(main) {
  const pem = pinnedKeyPEM();
  let described = 'No key pinned yet: the first proof pins the key the log serves (trust on first use).';
  if (pem) {
    try { const key = await importLogKey(pem); described = `${key.label}, key ID ${key.keyID} (${pinnedKeySource()})`; } catch (error) { described = `unusable: ${error.message}`; }
  }
  const status = el('p', { role: 'status', 'data-testid': 'settings-status' });
  const area = el('textarea', { id: 'pin-pem', rows: 5, spellcheck: 'false', placeholder: '-----BEGIN PUBLIC KEY-----' });
  const last = lastCheckpoint();
  replace(main,
    el('h2', { tabindex: '-1' }, 'Trust settings'),
    el('section', { class: 'card' }, facts([
      ['Pinned log key', el('span', { 'data-testid': 'pinned-key' }, described)],
      ['Last verified checkpoint', last ? `tree size ${last.treeSize}, root ${last.rootHash}` : 'none'],
    ])),
    el('section', { class: 'card' },
      el('h3', {}, 'Pin a log key'),
      el('p', {}, 'Paste the log\'s public key as published by its operator (for Sigil: trusted_root.json, tlogs[].publicKey, or `sigil-server init` output).'),
      el('label', { for: 'pin-pem' }, 'Log public key (PEM)'), area,
      el('div', { class: 'buttons' },
        el('button', { type: 'button', 'data-testid': 'pin-key', onclick: async () => {
          try { const key = await pinKey(area.value, 'pasted'); status.textContent = `Pinned ${key.label} key ${key.keyID}.`; }
          catch (error) { status.textContent = `Not pinned: ${error.message}`; }
        } }, 'Pin this key'),
        el('button', { type: 'button', onclick: () => { forgetKey(); status.textContent = 'Pinned key forgotten.'; } }, 'Forget the pinned key'),
        el('button', { type: 'button', onclick: () => { forgetCheckpoint(); status.textContent = 'Remembered checkpoints forgotten.'; } }, 'Forget remembered checkpoints'))),
    status);
}

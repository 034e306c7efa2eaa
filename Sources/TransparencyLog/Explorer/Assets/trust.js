// What this browser trusts and remembers: the pinned log key (pasted by the auditor, or taken from
// the log on first use, with a warning whenever the log later presents another) and the last
// checkpoint it verified, which every newer checkpoint must be proved consistent with.
import { api } from './api.js';
import { importLogKey, parseCheckpoint, verifyCheckpointSignature } from './checkpoint.js';
import { verifyConsistency } from './merkle.js';
import { bytesToHex, hexToBytes } from './encoding.js';

const KEY = 'sigil-explorer.logKey';
const KEY_SOURCE = 'sigil-explorer.logKeySource';
const LAST = 'sigil-explorer.lastCheckpoint';
const HISTORY = 'sigil-explorer.seenCheckpoints';

export function pinnedKeyPEM() { return localStorage.getItem(KEY); }
export function pinnedKeySource() { return localStorage.getItem(KEY_SOURCE) || 'pasted'; }

// Checks the text is a usable key before remembering it.
export async function pinKey(pem, source) {
  const key = await importLogKey(pem);
  localStorage.setItem(KEY, key.pem);
  localStorage.setItem(KEY_SOURCE, source);
  return key;
}

export function forgetKey() { localStorage.removeItem(KEY); localStorage.removeItem(KEY_SOURCE); }
export function forgetCheckpoint() { localStorage.removeItem(LAST); localStorage.removeItem(HISTORY); }

// The key to verify with, and warnings to show: pinned on first use, or changed since pinned.
export async function logKey() {
  const warnings = [];
  let served = null;
  try { served = (await api.publicKey()).trim(); } catch (error) { warnings.push(`The log's current key could not be read (${error.message}).`); }
  let pem = pinnedKeyPEM();
  if (!pem) {
    if (!served) throw new Error('no log key is pinned and the log did not serve one');
    await pinKey(served, 'first use');
    pem = served;
    warnings.push('No log key was pinned: the key the log serves now was pinned on first use. Compare its ID with one published out of band (Settings).');
  } else if (served && served !== pem.trim()) {
    warnings.push('Warning: the log now serves a different key than the one pinned in this browser. Verification uses the pinned key; re-pin only if the operator announced a key rotation.');
  }
  return { key: await importLogKey(pem), warnings };
}

export function lastCheckpoint() {
  try { return JSON.parse(localStorage.getItem(LAST) || 'null'); } catch { return null; }
}

export function seenCheckpoints() {
  try { return JSON.parse(localStorage.getItem(HISTORY) || '[]'); } catch { return []; }
}

function remember(checkpoint) {
  const record = { origin: checkpoint.origin, treeSize: checkpoint.treeSize, rootHash: bytesToHex(checkpoint.rootHash), seen: Date.now() };
  localStorage.setItem(LAST, JSON.stringify(record));
  const history = seenCheckpoints().filter((c) => c.treeSize !== record.treeSize).concat([record]).slice(-50);
  localStorage.setItem(HISTORY, JSON.stringify(history));
}

// The signed checkpoint the log publishes now, parsed and verified with the pinned key.
export async function currentCheckpoint(key) {
  const info = await api.logInfo();
  const checkpoint = parseCheckpoint(info.signedTreeHead);
  await verifyCheckpointSignature(checkpoint, key);
  return checkpoint;
}

// The monitor: proves `checkpoint` (already signature-checked) consistent with the last one this
// browser verified, then remembers it. Returns a sentence; throws the reason on failure.
export async function checkConsistency(checkpoint) {
  const last = lastCheckpoint();
  if (!last) {
    remember(checkpoint);
    return `first checkpoint this browser has seen (tree size ${checkpoint.treeSize}); remembered for the next visit`;
  }
  if (last.origin !== checkpoint.origin) {
    throw new Error(`this checkpoint is for log "${checkpoint.origin}", but this browser last saw "${last.origin}"`);
  }
  if (last.treeSize > checkpoint.treeSize) {
    throw new Error(`the log presents tree size ${checkpoint.treeSize}, smaller than the ${last.treeSize} this browser saw before`);
  }
  const proof = last.treeSize === checkpoint.treeSize || last.treeSize === 0 ? { hashes: [] } : await api.consistencyProof(last.treeSize, checkpoint.treeSize);
  let hashes;
  try { hashes = proof.hashes.map(hexToBytes); } catch { throw new Error('the consistency proof holds a hash that is not hex'); }
  await verifyConsistency(last.treeSize, checkpoint.treeSize, hexToBytes(last.rootHash), checkpoint.rootHash, hashes);
  remember(checkpoint);
  return last.treeSize === checkpoint.treeSize
    ? `same tree (size ${checkpoint.treeSize}) as this browser saw before`
    : `consistent with the tree of size ${last.treeSize} this browser saw before (${hashes.length}-hash proof)`;
}


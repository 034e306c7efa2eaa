// What this browser trusts and remembers, per log (the Rekor v1 log, 'v1', and the Rekor v2 log,
// 'v2'): the pinned log key (pasted by the auditor, or taken from the log on first use, with a
// warning whenever the log later presents another) and the last checkpoint it verified, which
// every newer checkpoint must be proved consistent with.
import { api } from './api.js';
import { importLogKey, parseCheckpoint, verifyCheckpointSignature } from './checkpoint.js';
import { verifyConsistency } from './merkle.js';
import { consistencyProofFromTiles } from './tiles.js';
import { bytesToHex, hexToBytes } from './encoding.js';

export const LOG_TITLES = { v1: 'Rekor v1 log', v2: 'Rekor v2 log' };
const prefix = (log) => (log === 'v2' ? 'sigil-explorer.v2.' : 'sigil-explorer.');
const stored = (log, name) => `${prefix(log)}${name}`;

export function pinnedKeyPEM(log = 'v1') { return localStorage.getItem(stored(log, 'logKey')); }
export function pinnedKeySource(log = 'v1') { return localStorage.getItem(stored(log, 'logKeySource')) || 'pasted'; }

// Checks the text is a usable key before remembering it.
export async function pinKey(pem, source, log = 'v1') {
  const key = await importLogKey(pem);
  localStorage.setItem(stored(log, 'logKey'), key.pem);
  localStorage.setItem(stored(log, 'logKeySource'), source);
  return key;
}

export function forgetKey(log = 'v1') { localStorage.removeItem(stored(log, 'logKey')); localStorage.removeItem(stored(log, 'logKeySource')); }
export function forgetCheckpoint(log = 'v1') { localStorage.removeItem(stored(log, 'lastCheckpoint')); localStorage.removeItem(stored(log, 'seenCheckpoints')); }

// The v2 log's description, or the reason there is none.
export async function v2Log() {
  const { v2 } = await api.logs();
  if (!v2) throw new Error('this server runs no Rekor v2 log');
  return v2;
}

async function servedKey(log) {
  return log === 'v2' ? (await v2Log()).publicKey.trim() : (await api.publicKey()).trim();
}

// The key to verify with, and warnings to show: pinned on first use, or changed since pinned.
export async function logKey(log = 'v1') {
  const warnings = [];
  let served = null;
  try { served = await servedKey(log); } catch (error) { warnings.push(`The log's current key could not be read (${error.message}).`); }
  let pem = pinnedKeyPEM(log);
  if (!pem) {
    if (!served) throw new Error('no log key is pinned and the log did not serve one');
    await pinKey(served, 'first use', log);
    pem = served;
    warnings.push(`No ${LOG_TITLES[log]} key was pinned: the key the log serves now was pinned on first use. Compare its ID with one published out of band (Settings).`);
  } else if (served && served !== pem.trim()) {
    warnings.push('Warning: the log now serves a different key than the one pinned in this browser. Verification uses the pinned key; re-pin only if the operator announced a key rotation.');
  }
  return { key: await importLogKey(pem), warnings };
}

export function lastCheckpoint(log = 'v1') {
  try { return JSON.parse(localStorage.getItem(stored(log, 'lastCheckpoint')) || 'null'); } catch { return null; }
}

export function seenCheckpoints(log = 'v1') {
  try { return JSON.parse(localStorage.getItem(stored(log, 'seenCheckpoints')) || '[]'); } catch { return []; }
}

function remember(checkpoint, log) {
  const record = { origin: checkpoint.origin, treeSize: checkpoint.treeSize, rootHash: bytesToHex(checkpoint.rootHash), seen: Date.now() };
  localStorage.setItem(stored(log, 'lastCheckpoint'), JSON.stringify(record));
  const history = seenCheckpoints(log).filter((c) => c.treeSize !== record.treeSize).concat([record]).slice(-50);
  localStorage.setItem(stored(log, 'seenCheckpoints'), JSON.stringify(history));
}

// The signed checkpoint the log publishes now, parsed and verified with the pinned key: v1 from
// /api/v1/log, v2 from its tlog-tiles checkpoint.
export async function currentCheckpoint(key, log = 'v1') {
  const note = log === 'v2' ? await api.v2Checkpoint((await v2Log()).basePath) : (await api.logInfo()).signedTreeHead;
  const checkpoint = parseCheckpoint(note);
  await verifyCheckpointSignature(checkpoint, key, { rekorV2: log === 'v2' });
  return checkpoint;
}

async function consistencyHashes(log, first, second) {
  if (log === 'v2') return consistencyProofFromTiles((await v2Log()).basePath, first, second);
  const proof = await api.consistencyProof(first, second);
  try { return proof.hashes.map(hexToBytes); } catch { throw new Error('the consistency proof holds a hash that is not hex'); }
}

// The monitor: proves `checkpoint` (already signature-checked) consistent with the last one this
// browser verified, then remembers it. Returns a sentence; throws the reason on failure.
export async function checkConsistency(checkpoint, log = 'v1') {
  const last = lastCheckpoint(log);
  if (!last) {
    remember(checkpoint, log);
    return `first checkpoint this browser has seen (tree size ${checkpoint.treeSize}); remembered for the next visit`;
  }
  if (last.origin !== checkpoint.origin) {
    throw new Error(`this checkpoint is for log "${checkpoint.origin}", but this browser last saw "${last.origin}"`);
  }
  if (last.treeSize > checkpoint.treeSize) {
    throw new Error(`the log presents tree size ${checkpoint.treeSize}, smaller than the ${last.treeSize} this browser saw before`);
  }
  const hashes = last.treeSize === checkpoint.treeSize || last.treeSize === 0 ? [] : await consistencyHashes(log, last.treeSize, checkpoint.treeSize);
  await verifyConsistency(last.treeSize, checkpoint.treeSize, hexToBytes(last.rootHash), checkpoint.rootHash, hashes);
  remember(checkpoint, log);
  return last.treeSize === checkpoint.treeSize
    ? `same tree (size ${checkpoint.treeSize}) as this browser saw before`
    : `consistent with the tree of size ${last.treeSize} this browser saw before (${hashes.length}-hash proof${log === 'v2' ? ' built from the tiles' : ''})`;
}

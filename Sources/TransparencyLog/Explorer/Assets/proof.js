// Proves an entry in this browser, trusting nothing but the pinned log key: the leaf hash of the
// body, a freshly fetched signed checkpoint, the inclusion proof up to its root, the signed entry
// timestamp, and the log's consistency with what this browser saw before. A Rekor v2 entry has no
// proof API and no signed entry timestamp: its inclusion proof is built here from the log's tiles.
import { api } from './api.js';
import { logKey, currentCheckpoint, checkConsistency, v2Log } from './trust.js';
import { inclusionProofFromTiles } from './tiles.js';
import { verifySignature, rekorV2KeyID } from './checkpoint.js';
import { leafHash, rootFromInclusionProof } from './merkle.js';
import { base64ToBytes, bytesToHex, hexToBytes, equalBytes, utf8 } from './encoding.js';

// Rekor's SET payload: canonical JSON (RFC 8785) of body, integratedTime, logID, logIndex. Keys
// already in sorted order; the values are base64, hex and integers, which JSON.stringify writes canonically.
function setPayload(entry) {
  return utf8.encode(JSON.stringify({ body: entry.body, integratedTime: entry.integratedTime, logID: entry.logID, logIndex: entry.logIndex }));
}

async function inclusionHashes(entry, treeSize, log) {
  if (log === 'v2') return inclusionProofFromTiles((await v2Log()).basePath, entry.logIndex, treeSize);
  const proof = await api.inclusionProof(entry.logIndex, treeSize);
  try { return proof.hashes.map(hexToBytes); } catch { throw new Error('the proof holds a hash that is not hex'); }
}

// { verified, reason, steps: [{label, ok, detail}], warnings, evidence (when verified) }; `log` is 'v1' or 'v2'.
export async function proveEntry(entry, uuid, log = 'v1') {
  const steps = [];
  const warnings = [];
  const step = async (label, run) => {
    try {
      const detail = await run();
      steps.push({ label, ok: true, detail });
    } catch (error) {
      steps.push({ label, ok: false, detail: error.message });
      throw new Error(`${label}: ${error.message}`);
    }
  };
  try {
    let key, checkpoint, leaf;
    await step('Log key', async () => {
      const result = await logKey(log);
      key = result.key;
      warnings.push(...result.warnings);
      return `${key.label}, key ID ${key.keyID}`;
    });
    await step('Leaf hash', async () => {
      let body;
      try { body = base64ToBytes(entry.body); } catch { throw new Error('the entry body is not base64'); }
      leaf = await leafHash(body);
      if (!equalBytes(leaf, hexToBytes(uuid))) throw new Error(`SHA-256(0x00 || body) is ${bytesToHex(leaf)}, not the entry's UUID ${uuid}`);
      return `SHA-256(0x00 || body) = ${bytesToHex(leaf)} is the entry's UUID`;
    });
    await step('Signed checkpoint', async () => {
      checkpoint = await currentCheckpoint(key, log);
      if (checkpoint.treeSize <= entry.logIndex) throw new Error(`tree size ${checkpoint.treeSize} does not include log index ${entry.logIndex}`);
      return `"${checkpoint.origin}", tree size ${checkpoint.treeSize}, signature verified with the pinned key`;
    });
    let hashes;
    await step('Inclusion proof', async () => {
      hashes = await inclusionHashes(entry, checkpoint.treeSize, log);
      const root = await rootFromInclusionProof(entry.logIndex, checkpoint.treeSize, leaf, hashes);
      if (!equalBytes(root, checkpoint.rootHash)) {
        throw new Error(`the root computed from the proof (${bytesToHex(root)}) differs from the checkpoint's root (${bytesToHex(checkpoint.rootHash)})`);
      }
      return `${hashes.length} hashes${log === 'v2' ? ', built in this browser from the log\'s tiles,' : ''} lead from the leaf to the checkpoint's root ${bytesToHex(root)}`;
    });
    if (log === 'v1') await step('Signed entry timestamp', async () => {
      if (entry.logID !== key.keyID) throw new Error(`the entry's log ID ${entry.logID} is not the pinned key's ID`);
      const set = entry.verification && entry.verification.signedEntryTimestamp;
      if (typeof set !== 'string') throw new Error('the entry has no signed entry timestamp');
      if (!(await verifySignature(key, setPayload(entry), base64ToBytes(set)))) throw new Error('the signature over body, time, log ID and index does not verify');
      return 'integrated time, index and body signed by the pinned key';
    });
    await step('Consistency with this browser\'s last checkpoint', () => checkConsistency(checkpoint, log));
    // What was verified, for the v2 log entry download: the proof and the checkpoint it ends in.
    const evidence = { logID: log === 'v2' ? await rekorV2KeyID(key, checkpoint.origin) : key.keyID, checkpoint, hashes };
    return { verified: true, reason: 'every step verified with the pinned log key', steps, warnings, evidence };
  } catch (error) {
    return { verified: false, reason: error.message, steps, warnings };
  }
}

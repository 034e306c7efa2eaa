// Signed checkpoints (c2sp.org/tlog-checkpoint, c2sp.org/signed-note) and the log key that signs
// them, verified with WebCrypto: ECDSA P-256/P-384 (Rekor's log key rule: key hint =
// SHA-256(DER SPKI)[:4], signature = DER ECDSA over the note text) or Ed25519 (the same hint for the
// v1 log; for a Rekor v2 log the C2SP one, SHA-256(origin || 0x0A || 0x01 || raw key)[:4]).
import { parseDER, oidToString } from './asn1.js';
import { base64ToBytes, utf8, sha256, bytesToHex } from './encoding.js';

// { origin, treeSize, rootHash (bytes), extensions, text (the signed part), note (all of it), signatures: [{name, hint, signature}] }
export function parseCheckpoint(note) {
  if (typeof note !== 'string') throw new Error('the checkpoint is not text');
  const split = note.indexOf('\n\n');
  if (split < 0) throw new Error('the checkpoint has no signature block');
  const text = note.slice(0, split + 1);
  const lines = text.split('\n');
  lines.pop();
  if (lines.length < 3 || lines[0] === '') throw new Error('the checkpoint lacks origin, size or root');
  if (!/^(0|[1-9][0-9]*)$/.test(lines[1])) throw new Error(`the checkpoint's tree size "${lines[1].slice(0, 40)}" is not a number`);
  const treeSize = Number(lines[1]);
  if (!Number.isSafeInteger(treeSize)) throw new Error('the checkpoint tree size is too large');
  let rootHash;
  try { rootHash = base64ToBytes(lines[2]); } catch { throw new Error('the checkpoint root is not base64'); }
  if (rootHash.length !== 32) throw new Error('the checkpoint root is not 32 bytes');
  const signatures = [];
  for (const line of note.slice(split + 2).split('\n')) {
    if (line === '') continue;
    const m = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/.exec(line);
    if (!m) throw new Error('a checkpoint signature line is malformed');
    const bytes = base64ToBytes(m[2]);
    if (bytes.length < 5) throw new Error('a checkpoint signature is too short');
    signatures.push({ name: m[1], hint: bytesToHex(bytes.subarray(0, 4)), signature: bytes.subarray(4) });
  }
  if (signatures.length === 0) throw new Error('the checkpoint is not signed');
  return { origin: lines[0], treeSize, rootHash, extensions: lines.slice(3), text, note, signatures };
}

// A log key from PEM: the WebCrypto key, its algorithm, and its key hint and ID.
export async function importLogKey(pem) {
  const match = /-----BEGIN PUBLIC KEY-----([\s\S]*?)-----END PUBLIC KEY-----/.exec(pem || '');
  if (!match) throw new Error('the log key is not a PEM public key');
  const der = base64ToBytes(match[1].replace(/\s+/g, ''));
  const spki = parseDER(der);
  const [algorithm] = spki.children;
  const [oid, parameters] = algorithm.children;
  const type = oidToString(oid.value);
  let importParams, verifyParams, label;
  if (type === '1.2.840.10045.2.1') {
    const curve = { '1.2.840.10045.3.1.7': 'P-256', '1.3.132.0.34': 'P-384' }[oidToString(parameters.value)];
    if (!curve) throw new Error('the log key uses an unsupported curve');
    importParams = { name: 'ECDSA', namedCurve: curve };
    verifyParams = { name: 'ECDSA', hash: curve === 'P-256' ? 'SHA-256' : 'SHA-384' };
    label = `ECDSA ${curve}`;
  } else if (type === '1.3.101.112') {
    importParams = { name: 'Ed25519' };
    verifyParams = { name: 'Ed25519' };
    label = 'Ed25519';
  } else {
    throw new Error(`the log key type ${type} is not supported`);
  }
  const key = await crypto.subtle.importKey('spki', der, importParams, false, ['verify']);
  const id = await sha256(der);
  // The raw Ed25519 key is the SPKI's BIT STRING without its unused-bits byte.
  const raw = label === 'Ed25519' ? spki.children[1].value.subarray(1) : null;
  return { key, verifyParams, label, keyID: bytesToHex(id), hint: bytesToHex(id.subarray(0, 4)), raw, pem: pem.trim() };
}

// A Rekor v2 log's ID for `logKey` under `origin` (hex): the C2SP Ed25519 key ID,
// SHA-256(origin || 0x0A || 0x01 || raw key), or for ECDSA SHA-256(DER SPKI), as rekor-tiles' note.KeyHash.
export async function rekorV2KeyID(logKey, origin) {
  if (!logKey.raw) return logKey.keyID;
  const name = utf8.encode(origin);
  const input = new Uint8Array(name.length + 2 + logKey.raw.length);
  input.set(name);
  input.set([0x0a, 0x01], name.length);
  input.set(logKey.raw, name.length + 2);
  return bytesToHex(await sha256(input));
}

// The key hint a Rekor v2 log writes for `logKey` under `origin`: its key ID's first four bytes.
async function rekorV2Hint(logKey, origin) {
  return (await rekorV2KeyID(logKey, origin)).slice(0, 8);
}

// ECDSA signatures travel as DER SEQUENCE { r, s }; WebCrypto wants r || s, each the curve's size.
function ecdsaRaw(der, size) {
  const [r, s] = parseDER(der).children;
  const out = new Uint8Array(size * 2);
  for (const [i, part] of [r, s].entries()) {
    let v = part.value;
    while (v.length > size && v[0] === 0) v = v.subarray(1);
    if (v.length > size) throw new Error('an ECDSA signature integer is too long');
    out.set(v, i * size + size - v.length);
  }
  return out;
}

export async function verifySignature(logKey, message, signature) {
  let sig = signature;
  if (logKey.verifyParams.name === 'ECDSA') {
    try { sig = ecdsaRaw(signature, logKey.label.endsWith('P-256') ? 32 : 48); } catch { return false; }
  }
  return crypto.subtle.verify(logKey.verifyParams, logKey.key, sig, message);
}

// Throws the reason unless a signature line with the key's hint verifies over the note text.
// `rekorV2`: the hint is the Rekor v2 one and the signature line must name the checkpoint's origin.
export async function verifyCheckpointSignature(checkpoint, logKey, { rekorV2 = false } = {}) {
  const hint = rekorV2 ? await rekorV2Hint(logKey, checkpoint.origin) : logKey.hint;
  const candidates = checkpoint.signatures.filter((s) => s.hint === hint && (!rekorV2 || s.name === checkpoint.origin));
  if (candidates.length === 0) {
    throw new Error(`the checkpoint is not signed by the pinned log key (key hint ${hint}; signatures from ${checkpoint.signatures.map((s) => s.hint).join(', ')})`);
  }
  for (const candidate of candidates) {
    if (await verifySignature(logKey, utf8.encode(checkpoint.text), candidate.signature)) return candidate;
  }
  throw new Error('the checkpoint signature does not verify with the pinned log key');
}


// RFC 6962 / RFC 9162 Merkle tree verification with WebCrypto SHA-256: the root an inclusion proof
// leads to (§2.1.3.2) and consistency between two tree sizes (§2.1.4.2). Compute, then compare.
import { equalBytes, sha256, bytesToHex } from './encoding.js';

export async function leafHash(data) {
  const input = new Uint8Array(data.length + 1);
  input[0] = 0;
  input.set(data, 1);
  return sha256(input);
}

export async function nodeHash(left, right) {
  const input = new Uint8Array(65);
  input[0] = 1;
  input.set(left, 1);
  input.set(right, 33);
  return sha256(input);
}

const odd = (n) => n % 2 === 1;
const half = (n) => Math.floor(n / 2);

export async function rootFromInclusionProof(index, treeSize, leaf, proof) {
  if (!(Number.isSafeInteger(index) && Number.isSafeInteger(treeSize) && index >= 0 && index < treeSize)) {
    throw new Error(`leaf index ${index} is not inside a tree of size ${treeSize}`);
  }
  let fn = index, sn = treeSize - 1, r = leaf;
  for (const p of proof) {
    if (p.length !== 32) throw new Error('a proof hash is not 32 bytes');
    if (sn === 0) throw new Error('the inclusion proof is longer than the tree allows');
    if (odd(fn) || fn === sn) {
      r = await nodeHash(p, r);
      if (!odd(fn)) while (!odd(fn) && fn !== 0) { fn = half(fn); sn = half(sn); }
    } else {
      r = await nodeHash(r, p);
    }
    fn = half(fn); sn = half(sn);
  }
  if (sn !== 0) throw new Error('the inclusion proof is shorter than the tree needs');
  return r;
}

// Throws with the reason unless `proof` shows the tree of size `second` (root `secondRoot`)
// extends the tree of size `first` (root `firstRoot`).
export async function verifyConsistency(first, second, firstRoot, secondRoot, proof) {
  if (first > second) throw new Error(`the log went back from tree size ${first} to ${second}`);
  if (first === second) {
    if (proof.length !== 0) throw new Error('a consistency proof between equal sizes must be empty');
    if (!equalBytes(firstRoot, secondRoot)) throw new Error(`two different roots for tree size ${first}`);
    return;
  }
  if (first === 0) return;
  if (proof.length === 0) throw new Error('the consistency proof is empty');
  let path = proof;
  if ((first & (first - 1)) === 0 && first < 2 ** 31) path = [firstRoot, ...proof];
  let fn = first - 1, sn = second - 1;
  while (odd(fn)) { fn = half(fn); sn = half(sn); }
  let fr = path[0], sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) throw new Error('the consistency proof is too long');
    if (odd(fn) || fn === sn) {
      fr = await nodeHash(c, fr);
      sr = await nodeHash(c, sr);
      if (!odd(fn)) while (!odd(fn) && fn !== 0) { fn = half(fn); sn = half(sn); }
    } else {
      sr = await nodeHash(sr, c);
    }
    fn = half(fn); sn = half(sn);
  }
  if (sn !== 0) throw new Error('the consistency proof is too short');
  if (!equalBytes(fr, firstRoot)) throw new Error(`the proof leads to old root ${bytesToHex(fr)}, not ${bytesToHex(firstRoot)}`);
  if (!equalBytes(sr, secondRoot)) throw new Error(`the proof leads to new root ${bytesToHex(sr)}, not ${bytesToHex(secondRoot)}`);
}

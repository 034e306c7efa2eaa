// A Sigstore bundle v0.3 assembled from a log entry, for download: the certificate, the
// signature (hashedrekord) or the DSSE envelope the auditor attached, and the tlog entry with its
// inclusion promise and proof. The page builds it from what the log returned; it proves nothing by
// itself: verify it with `sigil verify-blob` or `sigstore verify`.
import { hexToBytes, bytesToBase64 } from './encoding.js';

// A TransparencyLogEntry (protobuf JSON) from the entry, its log ID (hex), the proof (its leaf
// index, root and hashes as bytes) and, for Rekor v1, the signed entry timestamp.
function transparencyLogEntry(entry, body, { logID, integratedTime, promise, proof }) {
  return {
    logIndex: String(entry.logIndex),
    logId: { keyId: bytesToBase64(hexToBytes(logID)) },
    kindVersion: { kind: body.kind, version: body.apiVersion },
    integratedTime: String(integratedTime),
    ...(promise ? { inclusionPromise: { signedEntryTimestamp: promise } } : {}),
    inclusionProof: {
      logIndex: String(proof.logIndex),
      rootHash: bytesToBase64(proof.rootHash),
      treeSize: String(proof.treeSize),
      hashes: proof.hashes.map(bytesToBase64),
      checkpoint: { envelope: proof.checkpoint },
    },
    canonicalizedBody: entry.body,
  };
}

function tlogEntry(entry, body) {
  const proof = entry.verification.inclusionProof;
  return transparencyLogEntry(entry, body, {
    logID: entry.logID,
    integratedTime: entry.integratedTime,
    promise: entry.verification.signedEntryTimestamp,
    proof: { ...proof, rootHash: hexToBytes(proof.rootHash), hashes: proof.hashes.map(hexToBytes) },
  });
}

// A Rekor v2 entry as a bundle's `tlogEntries[]` holds it (no inclusion promise, integrated time
// 0), with the inclusion proof this browser built from the tiles and the checkpoint it verified
// (`evidence` from proveEntry). A v2 bundle also needs the signer's RFC 3161 timestamp, which the
// log never holds: this replaces the tlog entry of the signer's bundle.
export function v2TlogEntry(entry, body, evidence) {
  const { checkpoint } = evidence;
  return transparencyLogEntry(entry, body, {
    logID: evidence.logID,
    integratedTime: 0,
    proof: { logIndex: entry.logIndex, rootHash: checkpoint.rootHash, treeSize: checkpoint.treeSize, hashes: evidence.hashes, checkpoint: checkpoint.note },
  });
}

// null when the entry alone cannot make a bundle (a DSSE entry without its envelope).
export function makeBundle(entry, body, envelope) {
  const verifier = body.verifiers[0];
  const material = verifier.certificate
    ? { certificate: { rawBytes: bytesToBase64(verifier.der) } }
    : { publicKey: { hint: '' } };
  const bundle = { mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json', verificationMaterial: { ...material, tlogEntries: [tlogEntry(entry, body)] } };
  if (body.kind === 'hashedrekord') {
    const algorithm = { sha256: 'SHA2_256', sha384: 'SHA2_384', sha512: 'SHA2_512' }[body.dataHash.algorithm];
    bundle.messageSignature = { messageDigest: { algorithm, digest: bytesToBase64(hexToBytes(body.dataHash.value)) }, signature: body.signature };
    return bundle;
  }
  if (body.kind === 'dsse' && envelope) {
    bundle.dsseEnvelope = envelope;
    return bundle;
  }
  return null;
}

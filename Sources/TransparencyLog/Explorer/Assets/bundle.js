// A Sigstore bundle v0.3 assembled from a log entry, for download: the certificate, the
// signature (hashedrekord) or the DSSE envelope the auditor attached, and the tlog entry with its
// inclusion promise and proof. The page builds it from what the log returned; it proves nothing by
// itself: verify it with `sigil verify-blob` or `sigstore verify`.
import { hexToBytes, bytesToBase64 } from './encoding.js';

export function tlogEntry(entry, body) {
  const proof = entry.verification.inclusionProof;
  return {
    logIndex: String(entry.logIndex),
    logId: { keyId: bytesToBase64(hexToBytes(entry.logID)) },
    kindVersion: { kind: body.kind, version: body.apiVersion },
    integratedTime: String(entry.integratedTime),
    inclusionPromise: { signedEntryTimestamp: entry.verification.signedEntryTimestamp },
    inclusionProof: {
      logIndex: String(proof.logIndex),
      rootHash: bytesToBase64(hexToBytes(proof.rootHash)),
      treeSize: String(proof.treeSize),
      hashes: proof.hashes.map((h) => bytesToBase64(hexToBytes(h))),
      checkpoint: { envelope: proof.checkpoint },
    },
    canonicalizedBody: entry.body,
  };
}

// A Rekor v2 entry as a bundle's `tlogEntries[]` holds it (a TransparencyLogEntry: no inclusion
// promise, integrated time 0), with the inclusion proof this browser built from the tiles and the
// checkpoint it verified (`evidence` from proveEntry). A v2 bundle also needs the signer's RFC 3161
// timestamp, which the log never holds: this replaces the tlog entry of the signer's bundle.
export function v2TlogEntry(entry, body, evidence) {
  return {
    logIndex: String(entry.logIndex),
    logId: { keyId: bytesToBase64(hexToBytes(evidence.logID)) },
    kindVersion: { kind: body.kind, version: body.apiVersion },
    integratedTime: '0',
    inclusionProof: {
      logIndex: String(entry.logIndex),
      rootHash: bytesToBase64(evidence.checkpoint.rootHash),
      treeSize: String(evidence.checkpoint.treeSize),
      hashes: evidence.hashes.map(bytesToBase64),
      checkpoint: { envelope: evidence.checkpoint.note },
    },
    canonicalizedBody: entry.body,
  };
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

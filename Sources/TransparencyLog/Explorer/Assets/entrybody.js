// Reads a Rekor entry body (hashedrekord or dsse: 0.0.1 from Rekor v1, 0.0.2 from Rekor v2) into
// what the views show. The body is the log's data: parsed strictly, and a body that does not parse
// is reported, not guessed at.
import { base64ToBytes, bytesToBase64, bytesToHex, utf8, pemToDer } from './encoding.js';
import { decodeCertificate, describePublicKey } from './certificate.js';
import { parseDER } from './asn1.js';

// The verifier in a body: base64 of a PEM certificate or public key.
function readVerifier(content) {
  const pem = utf8.decode(base64ToBytes(content));
  const { label, der } = pemToDer(pem);
  if (label === 'CERTIFICATE') return { certificate: decodeCertificate(der), der, pem };
  return { publicKey: describePublicKey(parseDER(der)), der, pem };
}

// A 0.0.2 verifier: { x509Certificate | publicKey: { rawBytes: base64 DER }, keyDetails }.
function readV2Verifier(verifier) {
  const holder = verifier && (verifier.x509Certificate || verifier.publicKey);
  if (!holder || typeof holder.rawBytes !== 'string') throw new Error('the verifier holds no certificate or public key');
  const der = base64ToBytes(holder.rawBytes);
  const label = verifier.x509Certificate ? 'CERTIFICATE' : 'PUBLIC KEY';
  const pem = `-----BEGIN ${label}-----\n${bytesToBase64(der).replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END ${label}-----\n`;
  const read = verifier.x509Certificate ? { certificate: decodeCertificate(der), der, pem } : { publicKey: describePublicKey(parseDER(der)), der, pem };
  return { ...read, keyDetails: String(verifier.keyDetails) };
}

const V2_ALGORITHMS = { SHA2_256: 'sha256', SHA2_384: 'sha384', SHA2_512: 'sha512' };

// A 0.0.2 digest, { algorithm: 'SHA2_256', digest: base64 }, as a 0.0.1 one, { algorithm, value: hex }.
function readV2Hash(hash) {
  const algorithm = hash && V2_ALGORITHMS[hash.algorithm];
  if (!algorithm) throw new Error('the entry names no known digest algorithm');
  return { algorithm, value: bytesToHex(base64ToBytes(hash.digest)) };
}

export function decodeBody(bodyBase64) {
  const json = JSON.parse(utf8.decode(base64ToBytes(bodyBase64)));
  const { kind, apiVersion, spec } = json;
  if (typeof kind !== 'string' || typeof spec !== 'object' || spec === null) throw new Error('the body lacks kind or spec');
  const decoded = { kind, apiVersion, json };
  if (kind === 'hashedrekord' && apiVersion === '0.0.2') {
    const v2 = spec.hashedRekordV002;
    if (!v2 || !v2.signature) throw new Error('the body lacks spec.hashedRekordV002');
    decoded.dataHash = readV2Hash(v2.data);
    decoded.signature = v2.signature.content;
    decoded.verifiers = [readV2Verifier(v2.signature.verifier)];
  } else if (kind === 'dsse' && apiVersion === '0.0.2') {
    const v2 = spec.dsseV002;
    if (!v2 || !Array.isArray(v2.signatures)) throw new Error('the body lacks spec.dsseV002');
    decoded.payloadHash = readV2Hash(v2.payloadHash);
    decoded.signatures = v2.signatures.map((s) => ({ signature: s.content, ...readV2Verifier(s.verifier) }));
    decoded.verifiers = decoded.signatures;
  } else if (kind === 'hashedrekord') {
    decoded.dataHash = spec.data && spec.data.hash;
    decoded.signature = spec.signature && spec.signature.content;
    decoded.verifiers = [readVerifier(spec.signature.publicKey.content)];
  } else if (kind === 'dsse') {
    decoded.payloadHash = spec.payloadHash;
    decoded.envelopeHash = spec.envelopeHash;
    decoded.signatures = (spec.signatures || []).map((s) => ({ signature: s.signature, ...readVerifier(s.verifier) }));
    decoded.verifiers = decoded.signatures;
  }
  return decoded;
}

// The identities (SANs) of a decoded body, for result lists; never throws.
export function identitiesOf(bodyBase64) {
  try {
    const body = decodeBody(bodyBase64);
    const names = body.verifiers.flatMap((v) => (v.certificate ? v.certificate.sans.map((s) => s.value) : [`key ${v.publicKey}`]));
    return names.join(', ') || '(no identity)';
  } catch (error) {
    return `(undecodable body: ${error.message})`;
  }
}

// What a digest search matched in an entry: its artifact digest, its DSSE payload hash, or else an
// in-toto subject of the signed statement, which the log indexed when the entry was made but
// never stores (only hashes are kept). Never throws.
//
// A Rekor v2 entry's signed digest is an artifact's, or for an attestation the digest of its DSSE
// envelope's PAE, and its body does not say which: only a digest the browser computed from a file
// (`hashedFile`) is known to be an artifact's.
export function matchOf(bodyBase64, hash, { v2 = false, hashedFile = false } = {}) {
  try {
    const body = decodeBody(bodyBase64);
    const same = (h) => h && `${h.algorithm}:${h.value}`.toLowerCase() === hash.toLowerCase();
    if (same(body.dataHash)) {
      return v2 && !hashedFile
        ? "signed digest (the artifact's, or for an attestation its DSSE envelope's PAE: the entry's page tells)"
        : 'artifact digest';
    }
    if (same(body.payloadHash)) return 'payload hash';
    return 'in-toto subject of the signed statement (indexed when logged; the log stores only hashes)';
  } catch (error) {
    return `(undecodable body: ${error.message})`;
  }
}

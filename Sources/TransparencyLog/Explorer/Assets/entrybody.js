// Reads a Rekor entry body (hashedrekord or dsse 0.0.1) into what the views show. The body is the
// log's data: parsed strictly, and a body that does not parse is reported, not guessed at.
import { base64ToBytes, utf8, pemToDer } from './encoding.js';
import { decodeCertificate, describePublicKey } from './certificate.js';
import { parseDER } from './asn1.js';

// The verifier in a body: base64 of a PEM certificate or public key.
function readVerifier(content) {
  const pem = utf8.decode(base64ToBytes(content));
  const { label, der } = pemToDer(pem);
  if (label === 'CERTIFICATE') return { certificate: decodeCertificate(der), der, pem };
  return { publicKey: describePublicKey(parseDER(der)), der, pem };
}

export function decodeBody(bodyBase64) {
  const json = JSON.parse(utf8.decode(base64ToBytes(bodyBase64)));
  const { kind, apiVersion, spec } = json;
  if (typeof kind !== 'string' || typeof spec !== 'object' || spec === null) throw new Error('the body lacks kind or spec');
  const decoded = { kind, apiVersion, json };
  if (kind === 'hashedrekord') {
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

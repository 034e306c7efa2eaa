// Decodes an X.509 certificate (or a bare TBSCertificate, as a CT precertificate entry holds) into
// what the entry view shows: serial, issuer, subject, validity, SANs and every extension by name,
// Fulcio's 1.3.6.1.4.1.57264.1.* by their names in sigstore/fulcio docs/oid-info.md.
import { parseDER, oidToString, readString, readTime } from './asn1.js';
import { bytesToHex } from './encoding.js';

const FULCIO = '1.3.6.1.4.1.57264.1.';
export const FULCIO_NAMES = {
  1: 'Issuer (deprecated)', 2: 'GitHub Workflow Trigger (deprecated)', 3: 'GitHub Workflow SHA (deprecated)',
  4: 'GitHub Workflow Name (deprecated)', 5: 'GitHub Workflow Repository (deprecated)', 6: 'GitHub Workflow Ref (deprecated)',
  7: 'OtherName SAN', 8: 'Issuer', 9: 'Build Signer URI', 10: 'Build Signer Digest', 11: 'Runner Environment',
  12: 'Source Repository URI', 13: 'Source Repository Digest', 14: 'Source Repository Ref',
  15: 'Source Repository Identifier', 16: 'Source Repository Owner URI', 17: 'Source Repository Owner Identifier',
  18: 'Build Config URI', 19: 'Build Config Digest', 20: 'Build Trigger', 21: 'Run Invocation URI',
  22: 'Source Repository Visibility At Signing', 23: 'Deployment Environment', 24: 'Token Subject',
};
const EXTENSION_NAMES = {
  '2.5.29.14': 'Subject Key Identifier', '2.5.29.15': 'Key Usage', '2.5.29.17': 'Subject Alternative Name',
  '2.5.29.19': 'Basic Constraints', '2.5.29.35': 'Authority Key Identifier', '2.5.29.37': 'Extended Key Usage',
  '1.3.6.1.4.1.11129.2.4.2': 'Embedded SCTs', '1.3.6.1.4.1.11129.2.4.3': 'CT Precertificate Poison',
};
const ATTRIBUTE_NAMES = { '2.5.4.3': 'CN', '2.5.4.6': 'C', '2.5.4.7': 'L', '2.5.4.8': 'ST', '2.5.4.10': 'O', '2.5.4.11': 'OU', '1.2.840.113549.1.9.1': 'emailAddress' };
const KEY_TYPES = { '1.2.840.10045.2.1': 'ECDSA', '1.3.101.112': 'Ed25519', '1.2.840.113549.1.1.1': 'RSA' };
const CURVES = { '1.2.840.10045.3.1.7': 'P-256', '1.3.132.0.34': 'P-384', '1.3.132.0.35': 'P-521' };

export function extensionName(oid) {
  if (oid.startsWith(FULCIO) && FULCIO_NAMES[oid.slice(FULCIO.length)]) return FULCIO_NAMES[oid.slice(FULCIO.length)];
  return EXTENSION_NAMES[oid] || oid;
}

function distinguishedName(node) {
  return node.children.map((set) => set.children.map((attribute) => {
    const [type, value] = attribute.children;
    const oid = oidToString(type.value);
    return `${ATTRIBUTE_NAMES[oid] || oid}=${readString(value)}`;
  }).join('+')).join(', ');
}

// Subject alternative names: [{type: 'email' | 'URI' | 'DNS' | 'IP' | 'otherName', value}].
function subjectAltNames(extnValue) {
  return parseDER(extnValue).children.map((name) => {
    const v = name.value;
    switch (name.tagNumber) {
      case 1: return { type: 'email', value: readString(name) };
      case 2: return { type: 'DNS', value: readString(name) };
      case 6: return { type: 'URI', value: readString(name) };
      case 7: return { type: 'IP', value: v.length === 4 ? Array.from(v).join('.') : bytesToHex(v) };
      case 0: {  // otherName: type-id, [0] EXPLICIT value (Fulcio's username SAN is a UTF8String)
        const [typeID, wrapped] = name.children;
        let text;
        try { text = readString(wrapped.children[0]); } catch { text = bytesToHex(wrapped.value); }
        return { type: `otherName ${oidToString(typeID.value)}`, value: text };
      }
      default: return { type: `[${name.tagNumber}]`, value: bytesToHex(v) };
    }
  });
}

// Fulcio .1.1–.1.6 hold raw UTF-8; .1.8 and later a DER UTF8String.
function fulcioValue(oid, extnValue) {
  const n = Number(oid.slice(FULCIO.length));
  const decoder = new TextDecoder('utf-8', { fatal: true });
  if (n <= 6) return decoder.decode(extnValue);
  return readString(parseDER(extnValue));
}

export function describePublicKey(spki) {
  const [algorithm] = spki.children;
  const [oid, parameters] = algorithm.children;
  const type = KEY_TYPES[oidToString(oid.value)] || oidToString(oid.value);
  const curve = parameters && parameters.tag === 0x06 ? CURVES[oidToString(parameters.value)] : undefined;
  return curve ? `${type} ${curve}` : type;
}

// `der`: a Certificate, or (tbsOnly) a TBSCertificate.
export function decodeCertificate(der, { tbsOnly = false } = {}) {
  const root = parseDER(der);
  const tbs = tbsOnly ? root : root.children[0];
  let fields = tbs.children;
  let version = 1;
  if (fields[0].tag === 0xa0) { version = fields[0].children[0].value[0] + 1; fields = fields.slice(1); }
  const [serial, , issuer, validity, subject, spki] = fields;
  const certificate = {
    version,
    serial: bytesToHex(serial.value),
    issuer: distinguishedName(issuer),
    subject: distinguishedName(subject),
    notBefore: readTime(validity.children[0]),
    notAfter: readTime(validity.children[1]),
    publicKey: describePublicKey(spki),
    spki: spki.der,
    sans: [],
    extensions: [],
  };
  const extensionsWrapper = fields.slice(6).find((f) => f.tag === 0xa3);
  if (extensionsWrapper) {
    for (const extension of extensionsWrapper.children[0].children) {
      const parts = extension.children;
      const oid = oidToString(parts[0].value);
      const critical = parts.length === 3 && parts[1].tag === 0x01 && parts[1].value[0] !== 0;
      const extnValue = parts[parts.length - 1].value;
      let value;
      try {
        if (oid === '2.5.29.17') { certificate.sans = subjectAltNames(extnValue); value = certificate.sans.map((s) => `${s.type}: ${s.value}`).join('; '); }
        else if (oid.startsWith(FULCIO)) value = fulcioValue(oid, extnValue);
        else value = bytesToHex(extnValue);
      } catch (error) {
        value = `undecodable (${error.message}): ${bytesToHex(extnValue)}`;
      }
      certificate.extensions.push({ oid, name: extensionName(oid), critical, value, fulcio: oid.startsWith(FULCIO) });
    }
  }
  return certificate;
}


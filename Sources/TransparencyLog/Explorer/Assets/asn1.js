// A small DER reader (X.690): enough to walk certificates, public keys and signatures. Every
// length is checked against its parent; anything malformed throws.

export class Node {
  constructor(bytes, offset, tag, headerLength, length) {
    this.bytes = bytes;
    this.offset = offset;
    this.tag = tag;
    this.headerLength = headerLength;
    this.length = length;
  }
  get tagClass() { return this.tag >> 6; }
  get constructed() { return (this.tag & 0x20) !== 0; }
  get tagNumber() { return this.tag & 0x1f; }
  get end() { return this.offset + this.headerLength + this.length; }
  // The contents octets.
  get value() { return this.bytes.subarray(this.offset + this.headerLength, this.end); }
  // The whole TLV, e.g. a SubjectPublicKeyInfo to import.
  get der() { return this.bytes.subarray(this.offset, this.end); }
  get children() {
    if (!this.constructed) throw new Error('DER: primitive value has no children');
    const list = [];
    let at = this.offset + this.headerLength;
    while (at < this.end) {
      const child = readNode(this.bytes, at, this.end);
      list.push(child);
      at = child.end;
    }
    return list;
  }
}

export function readNode(bytes, offset = 0, limit = bytes.length) {
  if (offset + 2 > limit) throw new Error('DER: truncated');
  const tag = bytes[offset];
  if ((tag & 0x1f) === 0x1f) throw new Error('DER: high tag numbers are not supported');
  let length = bytes[offset + 1];
  let header = 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4) throw new Error('DER: bad length');
    if (offset + 2 + count > limit) throw new Error('DER: truncated length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + bytes[offset + 2 + i];
    header += count;
  }
  const node = new Node(bytes, offset, tag, header, length);
  if (node.end > limit) throw new Error('DER: value runs past its container');
  return node;
}

// The single top-level value; trailing bytes are an error.
export function parseDER(bytes) {
  const node = readNode(bytes, 0, bytes.length);
  if (node.end !== bytes.length) throw new Error('DER: trailing bytes');
  return node;
}

export function oidToString(value) {
  const parts = [];
  let n = 0;
  for (let i = 0; i < value.length; i++) {
    n = n * 128 + (value[i] & 0x7f);
    if (!(value[i] & 0x80)) {
      if (parts.length === 0) {
        const first = n < 80 ? Math.floor(n / 40) : 2;
        parts.push(first, n - first * 40);
      } else parts.push(n);
      n = 0;
    }
  }
  return parts.join('.');
}

export function readString(node) {
  const v = node.value;
  switch (node.tag) {
    case 0x0c: return new TextDecoder('utf-8', { fatal: true }).decode(v);  // UTF8String
    case 0x1e: {                                                               // BMPString
      let s = '';
      for (let i = 0; i + 1 < v.length; i += 2) s += String.fromCharCode((v[i] << 8) | v[i + 1]);
      return s;
    }
    default: return Array.from(v, (b) => String.fromCharCode(b)).join('');  // Printable, IA5, ...
  }
}

// UTCTime (0x17) or GeneralizedTime (0x18) in DER's Z form, as a Date.
export function readTime(node) {
  const text = readString(node);
  const m = node.tag === 0x17
    ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text)
    : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!m) throw new Error(`DER: bad time ${text}`);
  let year = Number(m[1]);
  if (node.tag === 0x17) year += year >= 50 ? 1900 : 2000;
  return new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
}

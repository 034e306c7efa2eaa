"""Hand-built DER (X.690) for the hostile-input sweeps, which need encodings no library will write:
lengths that lie, truncations, odd integers."""


def der_len(n):
    """A definite length in DER's shortest form."""
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def tlv(tag, content):
    return bytes([tag]) + der_len(len(content)) + content


def der_int(v):
    """An INTEGER in two's complement, minimal length."""
    n = max(1, (v.bit_length() + 8) // 8) if v >= 0 else max(1, ((-v - 1).bit_length() + 8) // 8)
    return tlv(0x02, v.to_bytes(n, "big", signed=True))


def der_oid(dotted):
    """An OBJECT IDENTIFIER from its dotted form."""
    arcs = [int(a) for a in dotted.split(".")]
    out = b""
    for a in [40 * arcs[0] + arcs[1]] + arcs[2:]:
        chunk = [a & 0x7F]
        a >>= 7
        while a:
            chunk.append(0x80 | (a & 0x7F))
            a >>= 7
        out += bytes(reversed(chunk))
    return tlv(0x06, out)

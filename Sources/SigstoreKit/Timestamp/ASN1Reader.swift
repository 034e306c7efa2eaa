import SwiftASN1

/// Walks the children of one constructed ASN.1 node in order, for hand-written CMS/RFC 3161
/// decoding: each read names what it expected, so malformed input throws a readable error.
struct ASN1Reader {
    private var iterator: ASN1NodeCollection.Iterator
    private var peeked: ASN1Node?
    let what: String

    init(_ node: ASN1Node, _ what: String, identifier: ASN1Identifier = .sequence) throws(TimestampError) {
        guard node.identifier == identifier, case .constructed(let children) = node.content else {
            throw TimestampError("\(what) is not a constructed \(identifier)")
        }
        iterator = children.makeIterator()
        self.what = what
    }

    mutating func peek() -> ASN1Node? {
        if peeked == nil { peeked = iterator.next() }
        return peeked
    }

    mutating func next(_ field: String) throws(TimestampError) -> ASN1Node {
        guard let node = peek() else { throw TimestampError("\(what) has no \(field)") }
        peeked = nil
        return node
    }

    /// The next node if it has `identifier` (an OPTIONAL or DEFAULT field), else nil.
    mutating func optional(_ identifier: ASN1Identifier) -> ASN1Node? {
        guard let node = peek(), node.identifier == identifier else { return nil }
        peeked = nil
        return node
    }

    mutating func decode<T: BERParseable>(_ type: T.Type, _ field: String) throws(TimestampError) -> T {
        let node = try next(field)
        do { return try T(berEncoded: node) } catch { throw TimestampError("\(what) \(field) is malformed") }
    }
}

extension ASN1Identifier {
    static func context(_ number: UInt) -> ASN1Identifier { ASN1Identifier(tagWithNumber: number, tagClass: .contextSpecific) }
}

/// Object identifiers RFC 3161 / RFC 5652 / RFC 5754 verification needs.
enum TimestampOID {
    static let signedData: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 7, 2]
    static let tstInfo: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 9, 16, 1, 4]
    static let contentType: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 9, 3]
    static let messageDigest: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 9, 4]
    /// RFC 5816 / RFC 5035 `id-aa-signingCertificateV2`.
    static let signingCertificateV2: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 9, 16, 2, 47]
    static let sha1: ASN1ObjectIdentifier = [1, 3, 14, 3, 2, 26]
    static let ecdsaWithSHA256: ASN1ObjectIdentifier = [1, 2, 840, 10045, 4, 3, 2]
    static let ecdsaWithSHA384: ASN1ObjectIdentifier = [1, 2, 840, 10045, 4, 3, 3]

    /// The OID of a digest algorithm (NIST SHA-2).
    static func oid(_ hash: HashAlgorithm) -> ASN1ObjectIdentifier {
        switch hash {
        case .sha256: [2, 16, 840, 1, 101, 3, 4, 2, 1]
        case .sha384: [2, 16, 840, 1, 101, 3, 4, 2, 2]
        case .sha512: [2, 16, 840, 1, 101, 3, 4, 2, 3]
        }
    }

    /// Digest algorithm OIDs (NIST SHA-2).
    static func hash(_ oid: ASN1ObjectIdentifier) -> HashAlgorithm? {
        switch oid {
        case [2, 16, 840, 1, 101, 3, 4, 2, 1]: .sha256
        case [2, 16, 840, 1, 101, 3, 4, 2, 2]: .sha384
        case [2, 16, 840, 1, 101, 3, 4, 2, 3]: .sha512
        default: nil
        }
    }

    /// The hash a signature algorithm OID fixes, if it fixes one (ecdsa-with-SHA*, sha*WithRSAEncryption).
    static func signatureHash(_ oid: ASN1ObjectIdentifier) -> HashAlgorithm? {
        switch oid {
        case [1, 2, 840, 10045, 4, 3, 2], [1, 2, 840, 113549, 1, 1, 11]: .sha256
        case [1, 2, 840, 10045, 4, 3, 3], [1, 2, 840, 113549, 1, 1, 12]: .sha384
        case [1, 2, 840, 10045, 4, 3, 4], [1, 2, 840, 113549, 1, 1, 13]: .sha512
        default: nil
        }
    }
}

/// The algorithm OID of an `AlgorithmIdentifier ::= SEQUENCE { algorithm OID, parameters ANY OPTIONAL }`.
func algorithmOID(_ node: ASN1Node, _ what: String) throws(TimestampError) -> ASN1ObjectIdentifier {
    var reader = try ASN1Reader(node, what)
    return try reader.decode(ASN1ObjectIdentifier.self, "algorithm")
}

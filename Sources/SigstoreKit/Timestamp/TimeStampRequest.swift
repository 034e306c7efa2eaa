import SwiftASN1

/// An RFC 3161 §2.4.1 `TimeStampReq`, checked at the boundary: version 1, a SHA-2 message imprint
/// of the right length, no extensions.
///
/// ```
/// TimeStampReq ::= SEQUENCE {
///    version        INTEGER { v1(1) },
///    messageImprint MessageImprint,            -- SEQUENCE { hashAlgorithm AlgorithmIdentifier, hashedMessage OCTET STRING }
///    reqPolicy      TSAPolicyId OPTIONAL,
///    nonce          INTEGER OPTIONAL,
///    certReq        BOOLEAN DEFAULT FALSE,
///    extensions     [0] IMPLICIT Extensions OPTIONAL }
/// ```
public struct TimeStampRequest: Sendable, Hashable {
    public let hashAlgorithm: HashAlgorithm
    /// The digest to timestamp; its length matches `hashAlgorithm`.
    public let hashedMessage: [UInt8]
    /// The policy the requester asks for, if any.
    public let policy: ASN1ObjectIdentifier?
    /// The nonce as DER INTEGER content octets (any width), echoed in the TSTInfo.
    public let nonce: [UInt8]?
    /// Whether the TSA's signing certificate must be embedded in the token.
    public let certificateRequested: Bool
    /// Whether the request wrote the hash algorithm's parameters as NULL rather than leaving them
    /// out: the TSTInfo echoes the imprint exactly as asked (RFC 3161 §2.4.2).
    let imprintParametersAreNull: Bool

    /// Builds a request (clients, tests, the benchmark). `nonce` is a non-negative big-endian
    /// magnitude, such as 8 random bytes.
    public init(hashAlgorithm: HashAlgorithm, hashedMessage: [UInt8], policy: ASN1ObjectIdentifier? = nil,
                nonce: [UInt8]? = nil, certificateRequested: Bool = false) throws(TimeStampRequestError) {
        guard hashedMessage.count == hashAlgorithm.byteCount else {
            throw .digestLength(algorithm: hashAlgorithm, expected: hashAlgorithm.byteCount, actual: hashedMessage.count)
        }
        self.hashAlgorithm = hashAlgorithm
        self.hashedMessage = hashedMessage
        self.policy = policy
        self.nonce = nonce.map(DERInteger.nonNegative)
        self.certificateRequested = certificateRequested
        imprintParametersAreNull = false
    }

    /// Parses and checks a DER `TimeStampReq`. Trailing bytes, BER-only encodings and unknown
    /// fields are `malformed`; the other cases say which rule of RFC 3161 or of this TSA failed.
    public init(derEncoded bytes: [UInt8]) throws(TimeStampRequestError) {
        let root: ASN1Node
        do { root = try DER.parse(bytes) } catch { throw .malformed("not a single DER value") }
        guard root.identifier == .sequence, case .constructed(let children) = root.content else {
            throw .malformed("not a SEQUENCE")
        }
        var fields = Array(children)[...]
        func take(_ what: String) throws(TimeStampRequestError) -> ASN1Node {
            guard let node = fields.popFirst() else { throw .malformed("\(what) is missing") }
            return node
        }
        guard let version = try? Int(derEncoded: take("version")) else { throw .malformed("version is not an INTEGER") }
        guard version == 1 else { throw .unsupportedVersion(version) }
        (hashAlgorithm, hashedMessage, imprintParametersAreNull) = try Self.messageImprint(take("messageImprint"))

        var policy: ASN1ObjectIdentifier?
        var nonce: [UInt8]?
        var certificateRequested = false
        if let next = fields.first, next.identifier == .objectIdentifier {
            fields.removeFirst()
            guard let oid = try? ASN1ObjectIdentifier(derEncoded: next) else { throw .malformed("reqPolicy is not an OBJECT IDENTIFIER") }
            policy = oid
        }
        if let next = fields.first, next.identifier == .integer {
            fields.removeFirst()
            guard let value = DERInteger.content(next) else { throw .malformed("nonce is not a DER INTEGER") }
            nonce = value
        }
        if let next = fields.first, next.identifier == .boolean {
            fields.removeFirst()
            guard let flag = try? Bool(derEncoded: next) else { throw .malformed("certReq is not a DER BOOLEAN") }
            certificateRequested = flag
        }
        if let next = fields.first, next.identifier == ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific) {
            throw .extensionsPresent
        }
        guard fields.isEmpty else { throw .malformed("unexpected field after the known ones") }
        self.policy = policy
        self.nonce = nonce
        self.certificateRequested = certificateRequested
    }

    /// `MessageImprint ::= SEQUENCE { hashAlgorithm AlgorithmIdentifier, hashedMessage OCTET STRING }`;
    /// the algorithm's parameters must be absent or NULL (RFC 5754 §2).
    private static func messageImprint(_ node: ASN1Node) throws(TimeStampRequestError) -> (HashAlgorithm, [UInt8], Bool) {
        guard node.identifier == .sequence, case .constructed(let children) = node.content else {
            throw .malformed("messageImprint is not a SEQUENCE")
        }
        let parts = Array(children)
        guard parts.count == 2 else { throw .malformed("messageImprint must have exactly two fields") }
        guard parts[0].identifier == .sequence, case .constructed(let algorithm) = parts[0].content else {
            throw .malformed("hashAlgorithm is not an AlgorithmIdentifier")
        }
        let algorithmParts = Array(algorithm)
        guard (1...2).contains(algorithmParts.count), let oid = try? ASN1ObjectIdentifier(derEncoded: algorithmParts[0]) else {
            throw .malformed("hashAlgorithm is not an AlgorithmIdentifier")
        }
        if algorithmParts.count == 2, (try? ASN1Null(derEncoded: algorithmParts[1])) == nil {
            throw .malformed("hashAlgorithm parameters must be absent or NULL")
        }
        guard let octets = try? ASN1OctetString(derEncoded: parts[1]) else { throw .malformed("hashedMessage is not an OCTET STRING") }
        let digest = Array(octets.bytes)
        guard let hash = TimestampOID.hash(oid) else {
            if oid == TimestampOID.sha1 { throw .weakHashAlgorithm }
            throw .unsupportedHashAlgorithm(oid.description)
        }
        guard digest.count == hash.byteCount else {
            throw .digestLength(algorithm: hash, expected: hash.byteCount, actual: digest.count)
        }
        return (hash, digest, algorithmParts.count == 2)
    }

    /// The DER encoding (certReq written only when true, as DER requires for a DEFAULT).
    public func derEncoded() -> [UInt8] {
        var serializer = DER.Serializer()
        // Building from checked values cannot fail; a throw here is a bug in this file.
        try! serializer.appendConstructedNode(identifier: .sequence) { coder in
            try coder.serialize(1)
            try Self.serializeImprint(hashAlgorithm, hashedMessage, nullParameters: imprintParametersAreNull, into: &coder)
            if let policy { try coder.serialize(policy) }
            if let nonce { DERInteger.append(nonce, to: &coder) }
            if certificateRequested { try coder.serialize(true) }
        }
        return serializer.serializedBytes
    }

    /// `MessageImprint`; the algorithm's parameters absent (as RFC 5754 says to generate them) or NULL.
    static func serializeImprint(_ algorithm: HashAlgorithm, _ digest: [UInt8], nullParameters: Bool,
                                 into coder: inout DER.Serializer) throws {
        try coder.appendConstructedNode(identifier: .sequence) { coder in
            try coder.appendConstructedNode(identifier: .sequence) { coder in
                try coder.serialize(TimestampOID.oid(algorithm))
                if nullParameters { try coder.serialize(ASN1Null()) }
            }
            try coder.serialize(ASN1OctetString(contentBytes: digest[...]))
        }
    }
}

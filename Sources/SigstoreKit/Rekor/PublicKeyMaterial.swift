import SwiftASN1
import WireFormat
import X509

/// The key material a Rekor v1 entry carries as base64 of PEM text (sigstore/rekor
/// pkg/pki/x509): either one `PUBLIC KEY` block, or one to ten `CERTIFICATE` blocks forming a
/// chain, leaf first, each certificate signed by the next. Only the leaf's key signs the entry.
///
/// Certificate validity periods, trust anchors and identities are deliberately not checked here
/// (Rekor accepts expired certificates); that is policy for the log or the verifier.
public struct PublicKeyMaterial: Sendable, Equatable {
    /// The most certificates accepted in one chain.
    public static let maximumChainLength = 10

    /// The key signatures are checked with: the leaf certificate's key, or the bare key.
    public let key: VerificationKey
    /// The chain, leaf first; empty for a bare public key.
    public let certificates: [Certificate]
    /// Every subject alternative name of the leaf certificate, lowercased (empty for a bare key).
    public let identities: [String]

    /// The leaf certificate, if the material is a certificate chain.
    public var leafCertificate: Certificate? { certificates.first }

    /// Lowercase hex SHA-256 of the key's DER SubjectPublicKeyInfo.
    public var fingerprint: String { LowercaseHex.encode(key.keyID) }

    /// The one stored form of this material, as Rekor re-encodes it (`CanonicalValue`): each
    /// block re-encoded by `PEMEncoding` (64-character lines, LF, final newline), certificates
    /// concatenated leaf first. CRLF, other line lengths or a missing final newline in what the
    /// client sent all give this same text, so one key has one log entry.
    public var canonicalPEM: String {
        if certificates.isEmpty { return PEMEncoding.encode(key.spkiDER, label: "PUBLIC KEY") }
        return certificateDER.map { PEMEncoding.encode($0, label: "CERTIFICATE") }.joined()
    }

    /// Base64 of `canonicalPEM`: the key as a Rekor v1 body carries it.
    public var canonicalContent: String { StrictBase64.encode(Array(canonicalPEM.utf8)) }

    /// The DER of each certificate in `certificates`, exactly as decoded from the PEM.
    private let certificateDER: [[UInt8]]

    /// Reads PEM text: one `PUBLIC KEY` block or a certificate chain.
    public init(pem: String) throws(EntryError) {
        try self.init(pemText: pem, field: "public key")
    }

    /// Reads the decoded bytes of a base64 field that must hold PEM text; `field` names it in errors.
    init(pemBytes bytes: [UInt8], field: String) throws(EntryError) {
        if bytes.first == 0x30 {
            throw .malformed("\(field) must be base64 of PEM text, not of DER")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw .malformed("\(field) is not PEM text (invalid UTF-8)")
        }
        try self.init(pemText: text, field: field)
    }

    private init(pemText: String, field: String) throws(EntryError) {
        let documents: [PEMBlock]
        do {
            documents = try PEMDecoding.blocks(in: pemText)
        } catch {
            throw .malformed("\(field) is not valid PEM: \(error.message)")
        }
        let types = documents.map(\.label)
        if types.count == 1 && types[0].isExactly("PUBLIC KEY") {
            key = try Self.key(field: field) { () throws(KeyError) in try VerificationKey(spkiDER: documents[0].der) }
            certificates = []
            certificateDER = []
            identities = []
            return
        }
        guard types.allSatisfy({ $0.isExactly("CERTIFICATE") }) else {
            throw .malformed("\(field) must hold one PUBLIC KEY or a chain of CERTIFICATE PEM blocks, found \(types.map { UntrustedText.quoted($0) }.prefix(Self.maximumChainLength).joined(separator: ", "))")
        }
        guard documents.count <= Self.maximumChainLength else {
            throw .malformed("\(field) holds \(documents.count) certificates; at most \(Self.maximumChainLength) are accepted")
        }
        var chain: [Certificate] = []
        for (k, document) in documents.enumerated() {
            do {
                chain.append(try Certificate(derEncoded: document.der))
            } catch {
                throw .malformed("\(field): certificate \(k) does not parse: \(error)")
            }
        }
        for k in chain.indices.dropLast() {
            let (child, parent) = (chain[k], chain[k + 1])
            guard child.issuer == parent.subject, parent.publicKey.isValidSignature(child.signature, for: child) else {
                throw .malformed("\(field): certificate \(k) is not issued by certificate \(k + 1) (chains are leaf first)")
            }
        }
        let leaf = chain[0]
        key = try Self.key(field: field) { () throws(KeyError) in try VerificationKey(certificate: leaf) }
        certificates = chain
        certificateDER = documents.map(\.der)
        identities = try CertificateIdentities.subjectAlternativeNames(of: leaf, field: field)
    }

    private static func key(field: String, _ read: () throws(KeyError) -> VerificationKey) throws(EntryError) -> VerificationKey {
        do {
            return try read()
        } catch {
            switch error {
            case .unparseable: throw .malformed("\(field): \(error)")
            case .unsupported: throw EntryError(.algorithmNotAllowed, "\(field): \(error)")
            }
        }
    }
}

import Crypto
import SwiftASN1
import X509

/// The private key a timestamp authority signs tokens with: ECDSA P-256 (signatures over SHA-256)
/// or P-384 (over SHA-384). The digest of the CMS signed attributes is the curve's hash.
public struct TimestampSigningKey: Sendable {
    enum Backing: Sendable {
        case p256(P256.Signing.PrivateKey)
        case p384(P384.Signing.PrivateKey)
    }

    let backing: Backing

    public init(p256 key: P256.Signing.PrivateKey) { backing = .p256(key) }
    public init(p384 key: P384.Signing.PrivateKey) { backing = .p384(key) }

    /// Reads a PKCS#8 or SEC1 PEM of a P-256 or P-384 key.
    public init(pem: String) throws(TimestampSignerError) {
        if let key = try? P256.Signing.PrivateKey(pemRepresentation: pem) {
            backing = .p256(key)
        } else if let key = try? P384.Signing.PrivateKey(pemRepresentation: pem) {
            backing = .p384(key)
        } else {
            throw TimestampSignerError("the TSA key is not a PEM ECDSA P-256 or P-384 private key")
        }
    }

    /// PKCS#8 PEM. Secret: write it only to a 0600 file.
    public var pemRepresentation: String {
        switch backing {
        case .p256(let key): key.pemRepresentation
        case .p384(let key): key.pemRepresentation
        }
    }

    public var publicKey: Certificate.PublicKey {
        switch backing {
        case .p256(let key): Certificate.PublicKey(key.publicKey)
        case .p384(let key): Certificate.PublicKey(key.publicKey)
        }
    }

    /// The hash the signature covers, also used for the message-digest attribute.
    var digestAlgorithm: HashAlgorithm {
        switch backing {
        case .p256: .sha256
        case .p384: .sha384
        }
    }

    var signatureAlgorithm: ASN1ObjectIdentifier {
        switch backing {
        case .p256: TimestampOID.ecdsaWithSHA256
        case .p384: TimestampOID.ecdsaWithSHA384
        }
    }

    /// A DER ECDSA signature over `message`, hashed with `digestAlgorithm`.
    func sign(_ message: [UInt8]) throws -> [UInt8] {
        switch backing {
        case .p256(let key): Array(try key.signature(for: message).derRepresentation)
        case .p384(let key): Array(try key.signature(for: message).derRepresentation)
        }
    }
}

/// A TSA key or certificate chain that cannot be used for signing timestamps.
public struct TimestampSignerError: Error, Equatable, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

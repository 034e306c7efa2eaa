import Crypto
import Foundation
import WireFormat

/// The digest algorithms Sigstore entries name (`sha256`, `sha384`, `sha512` in Rekor v1 bodies;
/// `SHA2_256`... in protobuf-JSON).
public enum HashAlgorithm: String, Sendable, Hashable, CaseIterable {
    case sha256, sha384, sha512

    /// Digest length in bytes.
    public var byteCount: Int {
        switch self {
        case .sha256: 32
        case .sha384: 48
        case .sha512: 64
        }
    }

    /// The protobuf-specs `HashAlgorithm` enum name.
    public var protobufName: String {
        switch self {
        case .sha256: "SHA2_256"
        case .sha384: "SHA2_384"
        case .sha512: "SHA2_512"
        }
    }

    public init?(protobufName: String) {
        guard let match = Self.allCases.first(where: { $0.protobufName.isExactly(protobufName) }) else { return nil }
        self = match
    }

    /// Hashes `data` with this algorithm.
    public func digest(_ data: some DataProtocol) -> [UInt8] {
        switch self {
        case .sha256: Array(SHA256.hash(data: data))
        case .sha384: Array(SHA384.hash(data: data))
        case .sha512: Array(SHA512.hash(data: data))
        }
    }
}

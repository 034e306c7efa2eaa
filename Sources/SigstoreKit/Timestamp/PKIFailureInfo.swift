/// Why a TSA refused a request: the `PKIFailureInfo` bits of RFC 3161 §2.4.2 that a refusal sets,
/// one per refusal.
public enum PKIFailureInfo: Int, Sendable, Hashable, CaseIterable {
    /// Unrecognized or unsupported algorithm identifier (SHA-1, an unknown hash OID).
    case badAlg = 0
    /// Transaction not permitted or supported (a version other than 1).
    case badRequest = 2
    /// The data submitted has the wrong format (malformed DER, a digest of the wrong length).
    case badDataFormat = 5
    /// The requested TSA policy is not supported.
    case unacceptedPolicy = 15
    /// The requested extension is not supported.
    case unacceptedExtension = 16
    /// The request cannot be handled due to system failure.
    case systemFailure = 25

    /// The bit's name as RFC 3161 spells it.
    public var name: String {
        switch self {
        case .badAlg: "badAlg"
        case .badRequest: "badRequest"
        case .badDataFormat: "badDataFormat"
        case .unacceptedPolicy: "unacceptedPolicy"
        case .unacceptedExtension: "unacceptedExtension"
        case .systemFailure: "systemFailure"
        }
    }

    /// The DER content octets of a `BIT STRING` with only this bit set: the unused-bits count,
    /// then the bytes up to and including the one holding the bit (DER drops trailing zero bits).
    var bitStringContent: [UInt8] {
        let byteCount = rawValue / 8 + 1
        var bytes = [UInt8](repeating: 0, count: byteCount)
        bytes[rawValue / 8] = 0x80 >> UInt8(rawValue % 8)
        return [UInt8(7 - rawValue % 8)] + bytes
    }
}

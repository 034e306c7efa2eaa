import SwiftASN1

/// Writes RFC 3161 §2.4.2 `TimeStampResp ::= SEQUENCE { status PKIStatusInfo, timeStampToken OPTIONAL }`.
public enum TimeStampResponseEncoder {
    /// `PKIStatus` values used here.
    enum Status: Int {
        case granted = 0
        case rejection = 2
    }

    /// Status granted with `token` (a DER `ContentInfo`).
    static func granted(token: [UInt8]) -> [UInt8] {
        var serializer = DER.Serializer()
        try! serializer.appendConstructedNode(identifier: .sequence) { response in
            try response.appendConstructedNode(identifier: .sequence) { try $0.serialize(Status.granted.rawValue) }
            response.serializeRawBytes(token)
        }
        return serializer.serializedBytes
    }

    /// Status rejection, `statusString` `text` and `failInfo` with the one bit of `failure`:
    /// `PKIStatusInfo ::= SEQUENCE { status, statusString PKIFreeText OPTIONAL, failInfo PKIFailureInfo OPTIONAL }`.
    public static func rejection(_ failure: PKIFailureInfo, text: String) -> [UInt8] {
        var serializer = DER.Serializer()
        try! serializer.appendConstructedNode(identifier: .sequence) { response in
            try response.appendConstructedNode(identifier: .sequence) { status in
                try status.serialize(Status.rejection.rawValue)
                try status.appendConstructedNode(identifier: .sequence) { try $0.serialize(ASN1UTF8String(text)) }
                status.appendPrimitiveNode(identifier: .bitString) { $0.append(contentsOf: failure.bitStringContent) }
            }
        }
        return serializer.serializedBytes
    }

    /// The refusal of a request, as a `TimeStampResp`.
    public static func rejection(_ error: TimeStampRequestError) -> [UInt8] {
        rejection(error.failureInfo, text: error.description)
    }
}

/// The `PKIStatusInfo` of a DER `TimeStampResp`: what a client reads before any token.
public struct TimeStampResponseStatus: Sendable, Hashable {
    /// 0 granted, 1 grantedWithMods, 2 rejection, 3 waiting, 4 revocationWarning, 5 revocationNotification.
    public let status: Int
    public let text: [String]
    /// The failure bits set, in ascending order.
    public let failures: [Int]

    public init(response bytes: [UInt8]) throws(TimestampError) {
        let root: ASN1Node
        do { root = try DER.parse(bytes) } catch { throw TimestampError("TimeStampResp is not valid DER") }
        var reader = try ASN1Reader(root, "TimeStampResp")
        var info = try ASN1Reader(try reader.next("status"), "PKIStatusInfo")
        status = try info.decode(Int.self, "status")
        var text: [String] = []
        if let freeText = info.optional(.sequence), case .constructed(let strings) = freeText.content {
            for string in strings {
                guard let value = try? ASN1UTF8String(derEncoded: string) else { throw TimestampError("statusString is malformed") }
                text.append(String(value))
            }
        }
        self.text = text
        var failures: [Int] = []
        if let bits = info.optional(.bitString) {
            guard let value = try? ASN1BitString(derEncoded: bits) else { throw TimestampError("failInfo is malformed") }
            for (index, byte) in value.bytes.enumerated() {
                for bit in 0..<8 where byte & (0x80 >> UInt8(bit)) != 0 { failures.append(index * 8 + bit) }
            }
        }
        self.failures = failures
    }
}

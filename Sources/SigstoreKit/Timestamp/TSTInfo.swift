import Foundation
import SwiftASN1
import WireFormat

/// The signed content of an RFC 3161 timestamp token (RFC 3161 §2.4.2 `TSTInfo`): which hash was
/// timestamped, and when.
public struct TSTInfo: Sendable, Hashable {
    public var policy: ASN1ObjectIdentifier
    public var hashAlgorithm: HashAlgorithm
    /// `messageImprint.hashedMessage`: for Sigstore, the hash of the bundle's signature bytes.
    public var hashedMessage: [UInt8]
    public var serialNumber: [UInt8]
    public var genTime: Date
    /// The nonce the request carried, as DER INTEGER content octets; nil when it had none.
    public var nonce: [UInt8]?

    init(der bytes: [UInt8]) throws(TimestampError) {
        let root: ASN1Node
        do { root = try BER.parse(bytes) } catch { throw TimestampError("TSTInfo is not valid DER") }
        var reader = try ASN1Reader(root, "TSTInfo")
        let version = try reader.decode(Int.self, "version")
        guard version == 1 else { throw TimestampError("TSTInfo version \(version) is not 1") }
        policy = try reader.decode(ASN1ObjectIdentifier.self, "policy")
        var imprint = try ASN1Reader(try reader.next("messageImprint"), "TSTInfo messageImprint")
        let oid = try algorithmOID(try imprint.next("hashAlgorithm"), "messageImprint hashAlgorithm")
        guard let hash = TimestampOID.hash(oid) else { throw TimestampError("messageImprint hash algorithm \(oid) is not supported") }
        hashAlgorithm = hash
        hashedMessage = Array(try imprint.decode(ASN1OctetString.self, "hashedMessage").bytes)
        guard hashedMessage.count == hash.byteCount else { throw TimestampError("messageImprint has the wrong length for \(hash)") }
        let serial = try reader.next("serialNumber")
        guard serial.identifier == .integer, case .primitive(let serialBytes) = serial.content else {
            throw TimestampError("TSTInfo serialNumber is malformed")
        }
        serialNumber = Array(serialBytes)
        let time = try reader.decode(GeneralizedTime.self, "genTime")
        genTime = Self.date(time)
        _ = reader.optional(.sequence)                              // accuracy
        _ = reader.optional(.boolean)                               // ordering
        nonce = reader.optional(.integer).flatMap(DERInteger.content)
    }

    static func date(_ t: GeneralizedTime) -> Date {
        RFC3339.instant(year: t.year, month: t.month, day: t.day, hour: t.hours, minute: t.minutes, second: t.seconds)
            .addingTimeInterval(t.fractionalSeconds)
    }
}

import Foundation
import SwiftASN1

/// Writes the RFC 3161 §2.4.2 `TSTInfo`:
/// ```
/// TSTInfo ::= SEQUENCE { version INTEGER { v1(1) }, policy TSAPolicyId, messageImprint MessageImprint,
///    serialNumber INTEGER, genTime GeneralizedTime, accuracy Accuracy OPTIONAL,
///    ordering BOOLEAN DEFAULT FALSE, nonce INTEGER OPTIONAL, tsa [0] GeneralName OPTIONAL,
///    extensions [1] IMPLICIT Extensions OPTIONAL }
/// ```
/// genTime is whole seconds (UTC, no fraction) with an accuracy of one second, as Sigstore's TSA
/// issues them; ordering is false (left out, as DER requires of a DEFAULT); the nonce and the
/// message imprint are the request's.
enum TSTInfoEncoder {
    static func encode(request: TimeStampRequest, policy: ASN1ObjectIdentifier, serialNumber: [UInt8], genTime: Date) throws -> [UInt8] {
        var serializer = DER.Serializer()
        try serializer.appendConstructedNode(identifier: .sequence) { coder in
            try coder.serialize(1)
            try coder.serialize(policy)
            try TimeStampRequest.serializeImprint(request.hashAlgorithm, request.hashedMessage,
                                                  nullParameters: request.imprintParametersAreNull, into: &coder)
            DERInteger.append(serialNumber, to: &coder)
            try coder.serialize(try generalizedTime(genTime))
            try coder.appendConstructedNode(identifier: .sequence) { try $0.serialize(1) }   // accuracy: seconds 1
            if let nonce = request.nonce { DERInteger.append(nonce, to: &coder) }
        }
        return serializer.serializedBytes
    }

    /// `date` rounded down to the second, as a DER GeneralizedTime (`YYYYMMDDHHMMSSZ`).
    static func generalizedTime(_ date: Date) throws -> GeneralizedTime {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return try GeneralizedTime(year: Int(parts.tm_year) + 1900, month: Int(parts.tm_mon) + 1, day: Int(parts.tm_mday),
                                   hours: Int(parts.tm_hour), minutes: Int(parts.tm_min), seconds: Int(parts.tm_sec),
                                   fractionalSeconds: 0)
    }
}

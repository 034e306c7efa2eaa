import Foundation
import SigstoreKit
import WireFormat

/// An image's lifecycle status, recorded as the predicate of a signed in-toto statement whose
/// subject is the image manifest (predicate type `https://sigil.dev/lifecycle/v1`). Images are
/// immutable: a new status is a new statement, and the newest properly signed one wins.
///
/// Predicate: `{"status": "active"|"superseded"|"end-of-life"|"quarantined", "supersededBy":
/// "sha256:…" (superseded only, required there), "endOfLife": RFC 3339 (optional: when support
/// ends or ended; for status end-of-life, absent means "now"), "reason": text (optional)}`.
/// Unknown members are rejected.
public struct LifecycleStatement: Sendable, Equatable {
    public static let predicateType = "https://sigil.dev/lifecycle/v1"

    public enum Status: String, Sendable, CaseIterable {
        case active
        case superseded
        case endOfLife = "end-of-life"
        case quarantined
    }

    public let status: Status
    public let supersededBy: OCIDigest?
    public let endOfLife: Date?
    public let reason: String?

    public init(status: Status, supersededBy: OCIDigest? = nil, endOfLife: Date? = nil, reason: String? = nil) throws(LifecycleError) {
        if status == .superseded, supersededBy == nil {
            throw LifecycleError("status superseded needs the digest of the image that supersedes it (--superseded-by)")
        }
        if status != .superseded, supersededBy != nil {
            throw LifecycleError("--superseded-by only goes with status superseded")
        }
        if let reason, reason.isEmpty { throw LifecycleError("the reason must not be empty") }
        self.status = status
        self.supersededBy = supersededBy
        // Whole seconds: the predicate stores RFC 3339 text, and a round trip must give the same value.
        self.endOfLife = endOfLife.map { Date(timeIntervalSince1970: $0.timeIntervalSince1970.rounded(.down)) }
        self.reason = reason
    }

    /// Reads a predicate strictly.
    public init(predicate: JSONValue) throws(LifecycleError) {
        guard case .object(let members) = predicate else { throw LifecycleError("the lifecycle predicate must be an object") }
        if let extra = members.keys.filter({ !["status", "supersededBy", "endOfLife", "reason"].contains($0) }).sorted().first {
            throw LifecycleError("the lifecycle predicate has unknown field \(JSONError.quoted(extra))")
        }
        guard let text = members["status"]?.stringValue, let status = Status(rawValue: text) else {
            throw LifecycleError("status must be one of \(Status.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var supersededBy: OCIDigest?
        if let value = members["supersededBy"] {
            guard let text = value.stringValue, let digest = OCIDigest(text) else { throw LifecycleError("supersededBy must be a digest") }
            supersededBy = digest
        }
        var endOfLife: Date?
        if let value = members["endOfLife"] {
            guard let text = value.stringValue, let date = RFC3339.parse(text) else { throw LifecycleError("endOfLife must be an RFC 3339 time") }
            endOfLife = date
        }
        var reason: String?
        if let value = members["reason"] {
            guard let text = value.stringValue else { throw LifecycleError("reason must be a string") }
            reason = text
        }
        try self.init(status: status, supersededBy: supersededBy, endOfLife: endOfLife, reason: reason)
    }

    public var predicate: JSONValue {
        var members: [String: JSONValue] = ["status": .string(status.rawValue)]
        if let supersededBy { members["supersededBy"] = .string(supersededBy.description) }
        if let endOfLife { members["endOfLife"] = .string(RFC3339.format(endOfLife)) }
        if let reason { members["reason"] = .string(reason) }
        return .object(members)
    }

    /// The same facts as referrer annotations, so `index.json` readers see them without
    /// verifying; verifiers trust only the signed predicate and reject a mismatch.
    public var annotations: [String: String] {
        var out = [OCIAnnotation.lifecycleStatus: status.rawValue]
        out[OCIAnnotation.lifecycleSupersededBy] = supersededBy?.description
        out[OCIAnnotation.lifecycleEndOfLife] = endOfLife.map(RFC3339.format)
        out[OCIAnnotation.lifecycleReason] = reason
        return out
    }

    /// When the image stops (or stopped) being supported, given that this statement was logged
    /// at `recorded`: `endOfLife` if set, else `recorded` for status end-of-life, else never.
    public func endOfLife(recorded: Date) -> Date? {
        endOfLife ?? (status == .endOfLife ? recorded : nil)
    }
}

public struct LifecycleError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { "invalid lifecycle statement: \(message)" }
}

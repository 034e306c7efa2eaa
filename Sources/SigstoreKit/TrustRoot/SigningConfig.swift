import Foundation
import WireFormat

/// Which services a signer uses (protobuf-specs `SigningConfig` v0.2): CA, OIDC issuer, Rekor
/// logs and TSAs, each with an API version, a validity window and an operator.
public struct SigningConfig: Sendable, Hashable {
    public static let mediaType = "application/vnd.dev.sigstore.signingconfig.v0.2+json"

    /// One service endpoint (protobuf-specs `Service`).
    public struct Service: Sendable, Hashable {
        public var url: String
        public var majorAPIVersion: Int
        public var validFor: TimeRange?
        /// Required by sigstore-python; thresholds count one service per operator.
        public var `operator`: String

        public init(url: String, majorAPIVersion: Int, validFor: TimeRange?, operator: String) {
            self.url = url
            self.majorAPIVersion = majorAPIVersion
            self.validFor = validFor
            self.operator = `operator`
        }
    }

    /// How many of the selected services to use (protobuf-specs `ServiceConfiguration`).
    public enum Selector: Sendable, Hashable {
        case all, any
        case exact(Int)
    }

    public var caURLs: [Service]
    public var oidcURLs: [Service]
    public var rekorTlogURLs: [Service]
    public var tsaURLs: [Service]
    public var rekorTlogConfig: Selector?
    public var tsaConfig: Selector?

    public init(caURLs: [Service], oidcURLs: [Service] = [], rekorTlogURLs: [Service], tsaURLs: [Service] = [],
                rekorTlogConfig: Selector? = .any, tsaConfig: Selector? = nil) {
        self.caURLs = caURLs
        self.oidcURLs = oidcURLs
        self.rekorTlogURLs = rekorTlogURLs
        self.tsaURLs = tsaURLs
        self.rekorTlogConfig = rekorTlogConfig
        self.tsaConfig = tsaConfig
    }

    public init(parsing bytes: some Collection<UInt8>) throws(TrustedRootError) {
        do { try self.init(object: try ProtoJSONObject.document(bytes)) } catch { throw TrustedRootError(error.message) }
    }

    public init(json: JSONValue) throws(TrustedRootError) {
        do { try self.init(object: try ProtoJSONObject(json, path: "")) } catch { throw TrustedRootError(error.message) }
    }

    init(object o: ProtoJSONObject) throws(ProtoJSONError) {
        try o.rejectUnknown(["mediaType", "caUrls", "oidcUrls", "rekorTlogUrls", "tsaUrls", "rekorTlogConfig", "tsaConfig"])
        let name = try o.string("mediaType")
        guard name == Self.mediaType else { throw ProtoJSONError("unsupported mediaType \(JSONError.quoted(name))") }
        caURLs = try Self.services(o, "caUrls")
        oidcURLs = try Self.services(o, "oidcUrls")
        rekorTlogURLs = try Self.services(o, "rekorTlogUrls")
        tsaURLs = try Self.services(o, "tsaUrls")
        rekorTlogConfig = try o.optionalObject("rekorTlogConfig").map { (c) throws(ProtoJSONError) in try Self.selector(c) }
        tsaConfig = try o.optionalObject("tsaConfig").map { (c) throws(ProtoJSONError) in try Self.selector(c) }
    }

    private static func services(_ o: ProtoJSONObject, _ key: String) throws(ProtoJSONError) -> [Service] {
        var result: [Service] = []
        for s in try o.objects(key) {
            try s.rejectUnknown(["url", "majorApiVersion", "validFor", "operator"])
            let version = try s.int64("majorApiVersion")
            guard version >= 1, version <= Int64(Int32.max) else { throw ProtoJSONError("\(s.fieldPath("majorApiVersion")) must be positive") }
            result.append(Service(url: try s.string("url"), majorAPIVersion: Int(version),
                                  validFor: try s.optionalObject("validFor").map { (v) throws(ProtoJSONError) in try TimeRange(v) },
                                  operator: try s.string("operator")))
        }
        return result
    }

    private static func selector(_ c: ProtoJSONObject) throws(ProtoJSONError) -> Selector {
        try c.rejectUnknown(["selector", "count"])
        switch try c.string("selector") {
        case "ALL": return .all
        case "ANY": return .any
        case "EXACT":
            let count = try c.int64("count")
            guard count >= 1, count <= Int64(Int32.max) else { throw ProtoJSONError("\(c.fieldPath("count")) must be positive") }
            return .exact(Int(count))
        case let other: throw ProtoJSONError("\(c.fieldPath("selector")) \(JSONError.quoted(other)) is not ALL, ANY or EXACT")
        }
    }

    /// The services to use at `date`, as sigstore clients choose them: valid at `date`, of the
    /// highest API version in `supportedVersions` offered, newest start first, one per operator.
    public static func select(_ services: [Service], supportedVersions: Set<Int>, at date: Date) -> [Service] {
        let usable = services.filter { supportedVersions.contains($0.majorAPIVersion) && ($0.validFor?.contains(date) ?? true) }
        guard let best = usable.map(\.majorAPIVersion).max() else { return [] }
        let newestFirst = usable.filter { $0.majorAPIVersion == best }
            .sorted { ($0.validFor?.start ?? .distantPast) > ($1.validFor?.start ?? .distantPast) }
        var seen: Set<ExactString> = []
        return newestFirst.filter { (service: Service) -> Bool in seen.insert(ExactString(service.operator)).inserted }
    }

    /// The protobuf-JSON form; `majorApiVersion` and `count` as JSON numbers, as sigstore-python wants.
    public var json: JSONValue {
        func list(_ services: [Service]) -> JSONValue {
            .array(services.map { s in
                var m: [String: JSONValue] = ["url": .string(s.url), "majorApiVersion": .integer(Int64(s.majorAPIVersion)),
                                              "operator": .string(s.operator)]
                if let validFor = s.validFor { m["validFor"] = validFor.json }
                return .object(m)
            })
        }
        func selector(_ s: Selector) -> JSONValue {
            switch s {
            case .all: ["selector": "ALL"]
            case .any: ["selector": "ANY"]
            case .exact(let n): ["selector": "EXACT", "count": .integer(Int64(n))]
            }
        }
        var members: [String: JSONValue] = [
            "mediaType": .string(Self.mediaType), "caUrls": list(caURLs), "oidcUrls": list(oidcURLs),
            "rekorTlogUrls": list(rekorTlogURLs), "tsaUrls": list(tsaURLs),
        ]
        if let rekorTlogConfig { members["rekorTlogConfig"] = selector(rekorTlogConfig) }
        if let tsaConfig { members["tsaConfig"] = selector(tsaConfig) }
        return .object(members)
    }

    public func encoded() -> [UInt8] { CanonicalJSON.encode(json) }
}

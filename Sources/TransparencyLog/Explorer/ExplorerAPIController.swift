import Foundation
import Hummingbird
import Merkle
import SigstoreKit
import WireFormat

/// `/api/v1/explorer/…`: the reads the explorer page needs that Rekor's API lacks. Thin: parse,
/// call ``LogService``, encode. Everything here is public log data; nothing is trusted by the page,
/// which verifies proofs and signatures itself.
///
/// The Rekor v2 log, when the server runs one, is searched and read beside the v1 log; every entry
/// answered names its log (`"log": "v1"|"v2"`), since log indexes are per log.
///
/// - `GET logs`: the logs beside v1 and their keys (``ExplorerLogs``).
/// - `GET recent?limit=N[&log=v1|v2]`: the newest entries of one log (default v1, 20, at most 100).
/// - `GET entry?log=v1|v2&index=N` or `entry?log=v1|v2&uuid=HEX`: one entry (404 when the log has none).
/// - `POST search`: `{"hash"|"email"|"subject"|"publicKey": …, "log": "v1"|"v2", "from": index,
///   "limit": N}`, one page of entries under one search key, the v2 log's first, then the v1 log's;
///   `log` and `from` name where the page starts (an answer's `nextLog` and `next`).
/// - `GET activity?hours=N[&log=v1|v2]`: one log's entries per hour over the last N hours (default
///   v1, 72, at most 720).
/// - `GET checkpoints?limit=N[&log=v1|v2]`: one log's newest published checkpoints (default v1, 20,
///   at most 100).
struct ExplorerAPIController: Sendable {
    let service: LogService
    let rekorV2: RekorV2Log?
    static let maxPage = 100

    /// The logs in the order searches list them: the v2 log (where signing goes by default) first.
    var logs: [ExplorerLog] { [rekorV2?.explorerLog, service.explorerLog].compactMap { $0 } }

    func addRoutes(to router: Router<some RequestContext>) {
        let group = router.group("/api/v1/explorer")
        group.get("logs") { _, _ in
            try Reply.json(ExplorerLogs(v2: rekorV2.map {
                ExplorerLogs.V2(basePath: RekorV2Log.basePath, origin: $0.origin, publicKey: $0.publicKey.pem, keyID: LowercaseHex.encode($0.keyID.bytes))
            }))
        }
        group.get("recent") { request, _ in
            let limit = try Self.integer(request, "limit", default: 20, range: 1...Int64(Self.maxPage))
            return try Reply.json(try await log(named: request.uri.queryParameters.get("log")).recentEntries(limit: Int(limit)))
        }
        group.get("entry") { request, _ in try await entry(request) }
        group.post("search") { request, _ in try await search(request) }
        group.get("activity") { request, _ in
            let hours = try Self.integer(request, "hours", default: 72, range: 1...720)
            return try Reply.json(try await log(named: request.uri.queryParameters.get("log")).activity(bucketSeconds: 3600, buckets: Int(hours)))
        }
        group.get("checkpoints") { request, _ in
            let limit = try Self.integer(request, "limit", default: 20, range: 1...Int64(Self.maxPage))
            return try Reply.json(try await log(named: request.uri.queryParameters.get("log")).checkpointHistory(limit: Int(limit)))
        }
    }

    static func integer(_ request: Request, _ name: String, default value: Int64, range: ClosedRange<Int64>) throws -> Int64 {
        guard let text = request.uri.queryParameters.get(name) else { return value }
        guard let number = Int64(text), range.contains(number) else {
            throw LogError(.badRequest, "\(name) must be an integer from \(range.lowerBound) to \(range.upperBound), got \(JSONError.quoted(text, limit: 40))")
        }
        return number
    }

    /// The log a request names (`v1` when it names none); 400 for a name no log here has.
    func log(named name: String?) throws -> ExplorerLog {
        guard let name else { return service.explorerLog }
        guard let log = logs.first(where: { $0.name.rawValue.isExactly(name) }) else {
            throw LogError(.badRequest, "log must be one of \(logs.map(\.name.rawValue).joined(separator: ", ")), got \(JSONError.quoted(name, limit: 40))")
        }
        return log
    }

    func entry(_ request: Request) async throws -> Response {
        let log = try log(named: request.uri.queryParameters.get("log"))
        let parameters = request.uri.queryParameters
        let found: EntrySummary?
        switch (parameters.get("index"), parameters.get("uuid")) {
        case (let text?, nil):
            guard let index = Int64(text), index >= 0 else {
                throw LogError(.badRequest, "index must be a log index (an integer from 0), got \(JSONError.quoted(text, limit: 40))")
            }
            found = try await log.entry(at: index)
        case (nil, let text?):
            guard let hash = Hash(hex: text) else {
                throw LogError(.badRequest, "uuid must be the entry's 64-hex leaf hash, got \(JSONError.quoted(text, limit: 80))")
            }
            found = try await log.entry(leafHash: hash)
        default:
            throw LogError(.badRequest, "entry needs exactly one of index or uuid")
        }
        guard let found else { throw LogError(.notFound, "the \(log.name.rawValue) log has no such entry") }
        return try Reply.json(found)
    }

    func search(_ request: Request) async throws -> Response {
        let body = try await request.collectBody(limit: service.configuration.maxRequestBytes)
        let json: JSONValue
        do { json = try JSONValue(parsing: body) } catch { throw LogError(.badRequest, "request is not JSON: \(error)") }
        guard case .object(let members) = json else { throw LogError(.badRequest, "request must be a JSON object") }
        let keyFields = ["hash", "email", "subject", "publicKey"]
        let allowed = keyFields + ["log", "from", "limit"]
        if let unknown = members.keys.sorted().first(where: { name in !allowed.contains { $0.isExactly(name) } }) {
            throw LogError(.badRequest, "unknown field \(JSONError.quoted(unknown, limit: 40)) in search; expected one of hash, email, subject, publicKey, with log, from and limit")
        }
        let given = keyFields.filter { members[$0] != nil }
        guard given.count == 1, let field = given.first else {
            throw LogError(.badRequest, "search needs exactly one of hash, email, subject or publicKey")
        }
        let key: String
        if field.isExactly("publicKey"), let value = members[field] {
            key = SearchKey.publicKey(try SearchController.fingerprint(value))
        } else if field.isExactly("hash") {
            key = SearchKey.artifactHash(try SearchController.normalize(hash: try SearchController.string(members, field) ?? ""))
        } else {
            key = SearchKey.identity(try SearchController.string(members, field) ?? "")
        }
        var startLog: ExplorerLog.Name?
        if let member = members["log"] {
            guard case .string(let name) = member else { throw LogError(.badRequest, "log must be a string: v1 or v2") }
            startLog = try log(named: name).name
        }
        let from = try Self.member(members, "from", default: 0, range: 0...Int64.max)
        let limit = try Self.member(members, "limit", default: 20, range: 1...Int64(Self.maxPage))
        return try Reply.json(try await ExplorerLog.searchPage(logs, key: key, startLog: startLog, from: from, limit: Int(limit)))
    }

    static func member(_ members: [String: JSONValue], _ name: String, default value: Int64, range: ClosedRange<Int64>) throws -> Int64 {
        guard let member = members[name] else { return value }
        guard case .integer(let number) = member, range.contains(number) else {
            throw LogError(.badRequest, "\(name) must be an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }
}

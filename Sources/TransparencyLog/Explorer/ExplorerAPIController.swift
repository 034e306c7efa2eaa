import Foundation
import Hummingbird
import WireFormat

/// `/api/v1/explorer/…`: the reads the explorer page needs that Rekor's API lacks. Thin: parse,
/// call ``LogService``, encode. Everything here is public log data; nothing is trusted by the page,
/// which verifies proofs and signatures itself.
///
/// - `GET recent?limit=N`: the newest entries (default 20, at most 100).
/// - `POST search`: `{"hash"|"email"|"subject"|"publicKey": …, "from": index, "limit": N}`, one page
///   of entries under one search key, with `next` when more follow.
/// - `GET activity?hours=N`: entries per hour over the last N hours (default 72, at most 720).
/// - `GET checkpoints?limit=N`: the newest published checkpoints (default 20, at most 100).
struct ExplorerAPIController: Sendable {
    let service: LogService
    static let maxPage = 100

    func addRoutes(to router: Router<some RequestContext>) {
        let group = router.group("/api/v1/explorer")
        group.get("recent") { request, _ in
            let limit = try Self.integer(request, "limit", default: 20, range: 1...Int64(Self.maxPage))
            return try Reply.json(try await service.recentEntries(limit: Int(limit)))
        }
        group.post("search") { request, _ in try await search(request) }
        group.get("activity") { request, _ in
            let hours = try Self.integer(request, "hours", default: 72, range: 1...720)
            return try Reply.json(try await service.activity(bucketSeconds: 3600, buckets: Int(hours)))
        }
        group.get("checkpoints") { request, _ in
            let limit = try Self.integer(request, "limit", default: 20, range: 1...Int64(Self.maxPage))
            return try Reply.json(try await service.checkpointHistory(limit: Int(limit)))
        }
    }

    static func integer(_ request: Request, _ name: String, default value: Int64, range: ClosedRange<Int64>) throws -> Int64 {
        guard let text = request.uri.queryParameters.get(name) else { return value }
        guard let number = Int64(text), range.contains(number) else {
            throw LogError(.badRequest, "\(name) must be an integer from \(range.lowerBound) to \(range.upperBound), got \(JSONError.quoted(text, limit: 40))")
        }
        return number
    }

    func search(_ request: Request) async throws -> Response {
        let body = try await request.collectBody(limit: service.configuration.maxRequestBytes)
        let json: JSONValue
        do { json = try JSONValue(parsing: body) } catch { throw LogError(.badRequest, "request is not JSON: \(error)") }
        guard case .object(let members) = json else { throw LogError(.badRequest, "request must be a JSON object") }
        let keyFields = ["hash", "email", "subject", "publicKey"]
        let allowed = keyFields + ["from", "limit"]
        if let unknown = members.keys.sorted().first(where: { name in !allowed.contains { $0.isExactly(name) } }) {
            throw LogError(.badRequest, "unknown field \(JSONError.quoted(unknown, limit: 40)) in search; expected one of hash, email, subject, publicKey, with from and limit")
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
        let from = try Self.member(members, "from", default: 0, range: 0...Int64.max)
        let limit = try Self.member(members, "limit", default: 20, range: 1...Int64(Self.maxPage))
        return try Reply.json(try await service.searchPage(key: key, from: from, limit: Int(limit)))
    }

    static func member(_ members: [String: JSONValue], _ name: String, default value: Int64, range: ClosedRange<Int64>) throws -> Int64 {
        guard let member = members[name] else { return value }
        guard case .integer(let number) = member, range.contains(number) else {
            throw LogError(.badRequest, "\(name) must be an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }
}

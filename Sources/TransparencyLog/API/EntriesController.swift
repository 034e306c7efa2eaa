import Foundation
import HTTPTypes
import Hummingbird
import ServerSupport
import SigstoreKit
import WireFormat

/// `/api/v1/log/entries`: add, get by index or UUID, bulk retrieve (Rekor v1).
struct EntriesController: Sendable {
    let service: LogService

    func addRoutes(to router: Router<some RequestContext>) {
        router.post("/api/v1/log/entries") { request, _ in try await add(request) }
        router.get("/api/v1/log/entries") { request, _ in try await byIndex(request) }
        router.get("/api/v1/log/entries/:uuid") { _, context in
            try Reply.json(RekorJSON.logEntry(try await service.entry(uuid: try context.parameters.require("uuid"))))
        }
        router.post("/api/v1/log/entries/retrieve") { request, _ in try await retrieve(request) }
    }

    func add(_ request: Request) async throws -> Response {
        let body = try await request.collectBody(limit: service.configuration.maxRequestBytes)
        let (view, created) = try await service.add(proposedEntry: body)
        let location = "/api/v1/log/entries/\(view.entryID)"
        if created {
            var headers = HTTPFields()
            headers[.eTag] = view.uuid
            headers[.location] = location
            return JSONReply.canonical(RekorJSON.logEntryJSON(view), status: .created, headers: headers)
        }
        var headers = HTTPFields()
        headers[.location] = location
        let conflict = RekorJSON.ConflictBody(
            code: 409,
            message: "an equivalent entry already exists in the transparency log with UUID \(view.entryID)",
            entry: RekorJSON.logEntry(view))
        return try Reply.json(conflict, status: .conflict, headers: headers)
    }

    func byIndex(_ request: Request) async throws -> Response {
        guard let text = request.uri.queryParameters.get("logIndex") else {
            throw LogError(.badRequest, "query parameter logIndex is required")
        }
        guard let index = Int64(text), index >= 0 else {
            throw LogError(.badRequest, "logIndex must be a non-negative integer, got \"\(text)\"")
        }
        return try Reply.json(RekorJSON.logEntry(try await service.entry(at: index)))
    }

    /// Body: `{"entryUUIDs": [...]}`, `{"logIndexes": [...]}` or `{"entries": [ProposedEntry...]}`.
    /// Answers the entries found, in request order; unknown ones are left out (as Rekor does).
    func retrieve(_ request: Request) async throws -> Response {
        let body = try await request.collectBody(limit: service.configuration.maxRequestBytes)
        let json: JSONValue
        do { json = try JSONValue(parsing: body) } catch { throw LogError(.badRequest, "request is not JSON: \(error)") }
        guard case .object(let members) = json else { throw LogError(.badRequest, "request must be a JSON object") }
        let known: Set = ["entryUUIDs", "logIndexes", "entries"]
        if let unknown = members.keys.first(where: { !known.contains($0) }) {
            throw LogError(.badRequest, "unknown field \"\(unknown)\"; expected entryUUIDs, logIndexes or entries")
        }
        let limit = service.configuration.maxBulkItems
        var found: [[String: RekorJSON.Entry]] = []
        func list(_ name: String) throws -> [JSONValue] {
            guard let value = members[name] else { return [] }
            guard case .array(let items) = value else { throw LogError(.badRequest, "\(name) must be an array") }
            guard items.count <= limit else {
                throw LogError(.unprocessable, "\(name) has \(items.count) items; at most \(limit) may be retrieved at once")
            }
            return items
        }
        for item in try list("entryUUIDs") {
            guard case .string(let uuid) = item else { throw LogError(.badRequest, "entryUUIDs must hold strings") }
            do { found.append(RekorJSON.logEntry(try await service.entry(uuid: uuid))) } catch let e as LogError where e.code == .notFound {}
        }
        for item in try list("logIndexes") {
            guard case .integer(let index) = item, index >= 0 else {
                throw LogError(.badRequest, "logIndexes must hold non-negative integers")
            }
            do { found.append(RekorJSON.logEntry(try await service.entry(at: index))) } catch let e as LogError where e.code == .notFound {}
        }
        for item in try list("entries") {
            let bytes = CanonicalJSON.encode(item)
            if let view = try await service.existingEntry(proposedEntry: bytes) { found.append(RekorJSON.logEntry(view)) }
        }
        return try Reply.json(found)
    }
}

import Foundation
import Hummingbird
import SigstoreKit
import WireFormat
import X509

/// `POST /api/v1/index/retrieve` (Rekor's SearchIndex): find entries by artifact hash, identity (SAN)
/// or public key. Unlike Rekor's best-effort index, rows are written in the same transaction as the
/// entry, so an acknowledged entry is always found.
struct SearchController: Sendable {
    let service: LogService

    func addRoutes(to router: Router<some RequestContext>) {
        router.post("/api/v1/index/retrieve") { request, _ in try await retrieve(request) }
    }

    func retrieve(_ request: Request) async throws -> Response {
        let body = try await request.collectBody(limit: service.configuration.maxRequestBytes)
        let json: JSONValue
        do { json = try JSONValue(parsing: body) } catch { throw LogError(.badRequest, "request is not JSON: \(error)") }
        guard case .object(let members) = json else { throw LogError(.badRequest, "request must be a JSON object") }
        let known: Set = ["email", "subject", "publicKey", "hash", "operator"]
        if let unknown = members.keys.first(where: { !known.contains($0) }) {
            throw LogError(.badRequest, "unknown field \"\(unknown)\" in search query")
        }
        var keys: [String] = []
        if let email = try Self.string(members, "email") { keys.append(SearchKey.identity(email)) }
        if let subject = try Self.string(members, "subject") { keys.append(SearchKey.identity(subject)) }
        if let hash = try Self.string(members, "hash") { keys.append(SearchKey.artifactHash(try Self.normalize(hash: hash))) }
        if let key = members["publicKey"] { keys.append(SearchKey.publicKey(try Self.fingerprint(key))) }
        guard !keys.isEmpty else {
            throw LogError(.badRequest, "search needs at least one of email, subject, hash or publicKey")
        }
        let op = try Self.string(members, "operator") ?? "or"
        guard op.isExactly("and") || op.isExactly("or") else { throw LogError(.badRequest, "operator must be \"and\" or \"or\", got \"\(op)\"") }
        var result: Set<Int64>? = nil
        for key in keys {
            let found = Set(try await service.search(key: key))
            if let current = result {
                result = op.isExactly("and") ? current.intersection(found) : current.union(found)
            } else {
                result = found
            }
        }
        let indexes = (result ?? []).sorted().prefix(service.configuration.maxBulkItems)
        return try Reply.json(try await service.uuids(ofIndexes: Array(indexes)))
    }

    static func string(_ members: [String: JSONValue], _ name: String) throws -> String? {
        guard let value = members[name] else { return nil }
        guard case .string(let text) = value, !text.isEmpty else { throw LogError(.badRequest, "\(name) must be a non-empty string") }
        return text
    }

    /// `sha256:<hex>`, or bare hex whose length names the algorithm.
    static func normalize(hash: String) throws -> String {
        let lower = hash.lowercased()
        let parts = lower.split(separator: ":", maxSplits: 1).map(String.init)
        let (algorithm, hex): (String, String)
        if parts.count == 2 {
            (algorithm, hex) = (parts[0], parts[1])
        } else {
            switch lower.count {
            case 64: (algorithm, hex) = ("sha256", lower)
            case 96: (algorithm, hex) = ("sha384", lower)
            case 128: (algorithm, hex) = ("sha512", lower)
            default: throw LogError(.badRequest, "hash \"\(hash)\" is not a sha256, sha384 or sha512 hex digest")
            }
        }
        guard let alg = HashAlgorithm(rawValue: algorithm), hex.count == alg.byteCount * 2,
              hex.allSatisfy({ $0.isHexDigit }) else {
            throw LogError(.badRequest, "hash \"\(hash)\" is not <sha256|sha384|sha512>:<hex digest of the right length>")
        }
        return "\(algorithm):\(hex)"
    }

    /// Hex SHA-256 of the SPKI of a `{"format": "x509", "content": <base64 PEM or DER key/cert>}`, the
    /// same fingerprint entries are indexed under.
    static func fingerprint(_ value: JSONValue) throws -> String {
        guard case .object(let members) = value else { throw LogError(.badRequest, "publicKey must be an object") }
        let format = try string(members, "format") ?? "x509"
        guard format.isExactly("x509") else { throw LogError(.badRequest, "publicKey format \"\(format)\" is not supported; use x509") }
        guard let content = try string(members, "content"), let bytes = StrictBase64.decode(content) else {
            throw LogError(.badRequest, "publicKey.content must be base64 of a PEM or DER public key or certificate")
        }
        if let text = String(validating: bytes, as: UTF8.self), text.contains("-----BEGIN") {
            do {
                return try PublicKeyMaterial(pem: text).fingerprint
            } catch {
                throw LogError(.badRequest, "publicKey.content: \(error)")
            }
        }
        if let key = try? VerificationKey(spkiDER: bytes) { return LowercaseHex.encode(key.keyID) }
        if let cert = try? Certificate(derEncoded: bytes), let key = try? VerificationKey(certificate: cert) {
            return LowercaseHex.encode(key.keyID)
        }
        throw LogError(.badRequest, "publicKey.content is not a supported public key or certificate")
    }
}

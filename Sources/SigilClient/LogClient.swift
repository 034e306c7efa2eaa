import Foundation
import Merkle
import NIOHTTP1
import SigstoreKit
import WireFormat

/// A client of a Rekor v1 compatible log (Sigil's or Sigstore's). It only transports: every answer
/// that carries a proof is checked by the caller with `LogEntryVerification` and `Merkle`.
public struct LogClient: Sendable {
    let transport: HTTPTransport

    public init(baseURL: String) {
        transport = HTTPTransport(baseURL: baseURL)
    }

    public var baseURL: String { transport.baseURL }

    /// `GET /api/v1/log`.
    public func logInfo() async throws -> RekorAPI.LogInfo {
        let path = "/api/v1/log"
        return try transport.decode(RekorAPI.LogInfo.self, from: try await transport.send(.GET, path), path: path)
    }

    /// `GET /api/v1/log/publicKey`.
    public func publicKey() async throws -> VerificationKey {
        let path = "/api/v1/log/publicKey"
        let answer = try await transport.send(.GET, path)
        guard answer.status == 200 else { throw HTTPTransport.failure(answer, path: path) }
        do {
            return try VerificationKey(pem: String(decoding: answer.body, as: UTF8.self))
        } catch {
            throw ClientError("the log's public key does not parse: \(error)")
        }
    }

    /// `GET /api/v1/log/entries?logIndex=N`: (EntryID, entry).
    public func entry(index: Int64) async throws -> (String, RekorAPI.Entry) {
        try await single("/api/v1/log/entries?logIndex=\(index)")
    }

    /// `GET /api/v1/log/entries/{uuid}`.
    public func entry(uuid: String) async throws -> (String, RekorAPI.Entry) {
        try await single("/api/v1/log/entries/\(uuid)")
    }

    private func single(_ path: String) async throws -> (String, RekorAPI.Entry) {
        let entry = try transport.decode(RekorAPI.LogEntry.self, from: try await transport.send(.GET, path), path: path)
        guard entry.count == 1, let (id, value) = entry.first else {
            throw ClientError("\(path) answered \(entry.count) entries instead of one")
        }
        return (id, value)
    }

    /// Adds a proposed entry. A duplicate answers the existing entry with `created == false`.
    public func add(proposedEntry: [UInt8]) async throws -> (entryID: String, entry: RekorAPI.Entry, created: Bool) {
        let path = "/api/v1/log/entries"
        let answer = try await transport.send(.POST, path, body: proposedEntry)
        if answer.status == 409, let conflict = try? JSONDecoder().decode(RekorAPI.ConflictBody.self, from: Data(answer.body)),
           let (id, entry) = conflict.entry.first {
            return (id, entry, false)
        }
        let entry = try transport.decode(RekorAPI.LogEntry.self, from: answer, path: path)
        guard entry.count == 1, let (id, value) = entry.first else { throw ClientError("\(path) answered \(entry.count) entries") }
        return (id, value, true)
    }

    /// `GET /api/v1/log/proof?firstSize=&lastSize=`.
    public func consistencyProof(firstSize: Int64, lastSize: Int64) async throws -> (rootHash: Hash, hashes: [Hash]) {
        try await proof("/api/v1/log/proof?firstSize=\(firstSize)&lastSize=\(lastSize)")
    }

    /// `GET /api/v1/log/inclusionProof?logIndex=&treeSize=` (Sigil extension).
    public func inclusionProof(logIndex: Int64, treeSize: Int64) async throws -> (rootHash: Hash, hashes: [Hash]) {
        try await proof("/api/v1/log/inclusionProof?logIndex=\(logIndex)&treeSize=\(treeSize)")
    }

    private func proof(_ path: String) async throws -> (rootHash: Hash, hashes: [Hash]) {
        let proof = try transport.decode(RekorAPI.Proof.self, from: try await transport.send(.GET, path), path: path)
        guard let root = Hash(hex: proof.rootHash) else { throw ClientError("\(path): rootHash is not a hex hash") }
        let hashes = try proof.hashes.map { text in
            guard let hash = Hash(hex: text) else { throw ClientError("\(path): \"\(text)\" is not a hex hash") }
            return hash
        }
        return (root, hashes)
    }

    /// The signed checkpoint the log published for exactly `treeSize` (Sigil extension).
    public func checkpoint(treeSize: Int64) async throws -> String {
        let path = "/api/v1/log/checkpoint?treeSize=\(treeSize)"
        let answer = try await transport.send(.GET, path)
        guard answer.status == 200 else { throw HTTPTransport.failure(answer, path: path) }
        return String(decoding: answer.body, as: UTF8.self)
    }

    /// `POST /api/v1/index/retrieve`: UUIDs matching a SearchIndex query.
    public func search(_ query: JSONValue) async throws -> [String] {
        let path = "/api/v1/index/retrieve"
        let answer = try await transport.send(.POST, path, body: CanonicalJSON.encode(query))
        return try transport.decode([String].self, from: answer, path: path)
    }

    /// A tlog-tiles resource (`tile/...` or `checkpoint`), as raw bytes.
    public func tileResource(_ path: String) async throws -> [UInt8] {
        let answer = try await transport.send(.GET, "/" + path)
        guard answer.status == 200 else { throw HTTPTransport.failure(answer, path: "/" + path) }
        return answer.body
    }
}

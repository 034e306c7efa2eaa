import Foundation
import Hummingbird
import SigstoreKit
import Merkle

/// `/api/v1/log`, `/api/v1/log/proof`, `/api/v1/log/publicKey` (Rekor v1).
struct LogInfoController: Sendable {
    let service: LogService

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/api/v1/log") { _, _ in
            let head = service.treeHead
            return try Reply.json(RekorJSON.LogInfo(rootHash: head.rootHash.hex, treeSize: head.treeSize,
                                                    signedTreeHead: head.checkpoint,
                                                    treeID: String(service.identity.treeID)))
        }
        router.get("/api/v1/log/proof") { request, _ in try await consistency(request) }
        router.get("/api/v1/log/inclusionProof") { request, _ in try await inclusion(request) }
        router.get("/api/v1/log/checkpoint") { request, _ in try await checkpoint(request) }
        router.get("/api/v1/log/publicKey") { _, _ in
            Reply.bytes(Array(service.publicKey.pem.utf8), contentType: "application/x-pem-file")
        }
    }

    static func integer(_ request: Request, _ name: String, default value: Int64? = nil) throws -> Int64 {
        guard let text = request.uri.queryParameters.get(name) else {
            if let value { return value }
            throw LogError(.badRequest, "query parameter \(name) is required")
        }
        guard let number = Int64(text), number >= 0 else {
            throw LogError(.badRequest, "\(name) must be a non-negative integer, got \"\(text)\"")
        }
        return number
    }

    /// Rekor: `firstSize` defaults to 1, `lastSize` is required.
    func consistency(_ request: Request) async throws -> Response {
        let last = try Self.integer(request, "lastSize")
        let first = try Self.integer(request, "firstSize", default: 1)
        let (proof, root) = try await service.consistencyProof(firstSize: first, lastSize: last)
        return try Reply.json(RekorJSON.ConsistencyProof(rootHash: root.hex, hashes: proof.hashes.map(\.hex)))
    }

    /// Sigil extension: inclusion proof of `logIndex` in the tree of size `treeSize`.
    func inclusion(_ request: Request) async throws -> Response {
        let index = try Self.integer(request, "logIndex")
        let size = try Self.integer(request, "treeSize", default: service.treeHead.treeSize)
        let proof = try await service.inclusionProof(leafIndex: index, treeSize: size)
        let root = try await treeHash(treeSize: size, reader: service.reader)
        return try Reply.json(RekorJSON.ConsistencyProof(rootHash: root.hex, hashes: proof.hashes.map(\.hex)))
    }

    /// Sigil extension: the signed checkpoint published for exactly `treeSize` (404 if none was).
    func checkpoint(_ request: Request) async throws -> Response {
        let size = try Self.integer(request, "treeSize")
        guard let note = try await service.checkpoint(treeSize: size) else {
            throw LogError(.notFound, "no checkpoint was published for tree size \(size)")
        }
        return Reply.text(note)
    }
}

import Foundation
import Hummingbird
import NIOCore
import SigilClient
import Synchronization
import WireFormat

/// The part of an OCI 1.1 registry that distribution 2.8 lacks, for repository `team/api`:
/// manifests pushed with a `subject` are answered with `OCI-Subject` and listed by
/// `GET /v2/team/api/referrers/<digest>`, one referrer per page, pages chained by
/// `Link: <…>; rel="next"`. Without `servesAPI` it is a registry without the referrers API
/// that accepts any index under any tag (`preload` one), or whose tag reads all fail
/// (`failsTagReads`). Blobs are all "present" (HEAD answers
/// 200), so pushes skip them.
final class RegistryReferrersDouble: Sendable {
    private struct Stored {
        var manifests: [String: [UInt8]] = [:]
        var order: [String] = []
        var puts: [String] = []
    }

    private let stored = Mutex(Stored())
    private let servesAPI: Bool
    /// Every read of a referrers tag (`sha256-…`) answers 500, as a registry whose storage is down.
    private let failsTagReads: Bool
    private let tagReads = Mutex(0)

    init(servesAPI: Bool = true, failsTagReads: Bool = false) {
        self.servesAPI = servesAPI
        self.failsTagReads = failsTagReads
    }

    /// How many times a referrers tag was read.
    var referrersTagReads: Int { tagReads.withLock { $0 } }

    /// Stores `bytes` under `tag`, as another client might have.
    func preload(_ bytes: [UInt8], tag: String) {
        stored.withLock { $0.manifests[tag] = bytes }
    }

    /// The references manifests were `PUT` under, in order (digests and tags).
    var puts: [String] { stored.withLock { $0.puts } }

    func router() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.head("/v2/team/api/blobs/:digest") { _, _ in Response(status: .ok) }
        router.put("/v2/team/api/manifests/:reference") { request, context -> Response in
            let reference = try context.parameters.require("reference")
            let bytes = Array(try await request.body.collect(upTo: 4 << 20).readableBytesView)
            let digest = OCIDigest.sha256(of: bytes).description
            self.stored.withLock { stored in
                stored.puts.append(reference)
                if stored.manifests[digest] == nil { stored.order.append(digest) }
                stored.manifests[digest] = bytes
                stored.manifests[reference] = bytes
            }
            var headers = HTTPFields()
            if self.servesAPI, let subject = (try? JSONValue(parsing: bytes))?["subject"]?["digest"]?.stringValue {
                headers[.init("OCI-Subject")!] = subject
            }
            return Response(status: .created, headers: headers)
        }
        router.get("/v2/team/api/manifests/:reference") { _, context -> Response in
            let reference = try context.parameters.require("reference")
            if reference.hasPrefix("sha256-") {
                self.tagReads.withLock { $0 += 1 }
                if self.failsTagReads { throw HTTPError(.internalServerError) }
            }
            guard let bytes = self.stored.withLock({ $0.manifests[reference] }) else { throw HTTPError(.notFound) }
            var headers = HTTPFields()
            headers[.contentType] = (try? JSONValue(parsing: bytes))?["mediaType"]?.stringValue ?? OCIMediaType.imageManifest
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
        router.get("/v2/team/api/referrers/:digest") { request, context -> Response in
            let subject = try context.parameters.require("digest")
            guard self.servesAPI else { throw HTTPError(.notFound) }
            let page = request.uri.queryParameters["page"].flatMap { Int(String($0)) } ?? 0
            let listing = self.referrers(of: subject)
            let entries = listing.indices.contains(page) ? [listing[page]] : []
            let index: JSONValue = ["schemaVersion": 2, "mediaType": .string(OCIMediaType.imageIndex), "manifests": .array(entries)]
            var headers = HTTPFields()
            headers[.contentType] = OCIMediaType.imageIndex
            if page + 1 < listing.count { headers[.init("Link")!] = "</v2/team/api/referrers/\(subject)?page=\(page + 1)>; rel=\"next\"" }
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: CanonicalJSON.encode(index))))
        }
        return router
    }

    /// Descriptors of the stored manifests whose subject is `subject`, in push order, with
    /// `artifactType` and annotations as the spec asks a registry to list them.
    private func referrers(of subject: String) -> [JSONValue] {
        stored.withLock { stored in
            stored.order.compactMap { digest -> JSONValue? in
                guard let bytes = stored.manifests[digest], let json = try? JSONValue(parsing: bytes),
                      json["subject"]?["digest"]?.stringValue == subject else { return nil }
                var descriptor: [String: JSONValue] = ["mediaType": .string(OCIMediaType.imageManifest), "digest": .string(digest),
                                                       "size": .integer(Int64(bytes.count))]
                descriptor["artifactType"] = json["artifactType"] ?? json["config"]?["mediaType"]
                descriptor["annotations"] = json["annotations"]
                return .object(descriptor)
            }
        }
    }
}

import Foundation
import SigilClient
import SigstoreKit
import TestSupport
import Testing
import WireFormat

/// Reading OCI image layouts built in code: references, tags, digests (including a platform
/// manifest inside an index), and every kind of bad input, each a clear error.
@Suite struct OCILayoutTests {
    @Test func resolvesTagsDigestsAndPlatformManifests() async throws {
        let directory = TemporaryDirectory()
        let sample = try TestImageLayout.sample(at: directory.path("layout"))
        let layout = try OCIImageLayout(path: sample.layout.path)
        #expect(try layout.resolve(.tag("app")).digest.description == sample.app.digest)
        let index = try layout.resolve(.tag("index"))
        #expect(index.mediaType == OCIMediaType.imageIndex)
        #expect(try layout.children(of: index).map(\.platformName) == ["linux/amd64", "linux/arm64"])
        let arm = try layout.resolve(.digest(OCIDigest(sample.platforms[1].digest)!))
        #expect(arm.platformName == "linux/arm64")
        #expect(try layout.manifest(arm).layers.count == 1)
        try await LayoutStore(layout).checkComplete(index)
        #expect(layout.tags(of: OCIDigest(sample.app.digest)!) == ["app"])
    }

    @Test func parsesReferences() throws {
        let digest = "sha256:" + String(repeating: "ab", count: 32)
        #expect(try OCIReference(parsing: "dir/img:v1") == OCIReference(layout: "dir/img", selector: .tag("v1")))
        #expect(try OCIReference(parsing: "./img@\(digest)") == OCIReference(layout: "./img", selector: .digest(OCIDigest(digest)!)))
        #expect(try OCIReference(parsing: "host:5000/dir/img") == OCIReference(layout: "host:5000/dir/img", selector: .only))
        #expect(throws: ImageStoreError.self) { try OCIReference(parsing: "img@sha256:XYZ") }
        #expect(throws: ImageStoreError.self) { try OCIReference(parsing: "img:") }
        #expect(OCIDigest("sha256:" + String(repeating: "AB", count: 32)) == nil, "uppercase hex is not a digest")
    }

    @Test func badLayoutsAndReferencesAreClearErrors() async throws {
        let directory = TemporaryDirectory()
        let sample = try TestImageLayout.sample(at: directory.path("layout"))
        let path = sample.layout.path
        let layout = try OCIImageLayout(path: path)

        #expect(throws: ImageStoreError.unknownTag("nope", available: ["app", "index"])) { try layout.resolve(.tag("nope")) }
        let stranger = OCIDigest("sha256:" + String(repeating: "0", count: 64))!
        #expect(throws: ImageStoreError.unknownDigest(stranger)) { try layout.resolve(.digest(stranger)) }
        #expect(throws: ImageStoreError.self) { try layout.resolve(.only) }   // two images, no tag given

        try FileManager.default.createDirectory(atPath: directory.path("empty"), withIntermediateDirectories: true)
        #expect(throws: ImageStoreError.notALayout(path: directory.path("empty"), reason: "it has no oci-layout file")) {
            try OCIImageLayout(path: directory.path("empty"))
        }
        try Data("{\"imageLayoutVersion\":\"2.0.0\"}".utf8).write(to: URL(fileURLWithPath: directory.path("empty/oci-layout")))
        #expect(throws: ImageStoreError.self) { try OCIImageLayout(path: directory.path("empty")) }

        // A corrupt blob: its bytes no longer hash to its name.
        let app = OCIDigest(sample.app.digest)!
        let blobPath = path + "/" + app.blobPath
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: blobPath)))
        bytes[bytes.count / 2] ^= 1
        try Data(bytes).write(to: URL(fileURLWithPath: blobPath))
        #expect(throws: ImageStoreError.digestMismatch(expected: app, actual: .sha256(of: bytes))) { try layout.manifest(layout.resolve(.tag("app"))) }

        // A missing blob: a layer of the index's first platform.
        let amd = try layout.manifest(layout.resolve(.digest(OCIDigest(sample.platforms[0].digest)!)))
        try FileManager.default.removeItem(atPath: path + "/" + amd.layers[0].digest.blobPath)
        await #expect(throws: ImageStoreError.missingBlob(amd.layers[0].digest)) { try await LayoutStore(layout).checkComplete(layout.resolve(.tag("index"))) }
    }

    /// Indexes that list one child hundreds of times, three deep (8 million paths), are checked
    /// blob by blob once; indexes nested past the limit are refused, not followed.
    @Test(.timeLimit(.minutes(1)))
    func repeatedAndDeeplyNestedIndexesAreBounded() async throws {
        let directory = TemporaryDirectory()
        let layout = try TestImageLayout(emptyAt: directory.path("layout"))
        var top = try layout.image(architecture: "amd64", layer: "shared layer")
        for _ in 0..<3 {
            top = try layout.put(["schemaVersion": 2, "mediaType": .string(TestImageLayout.indexType),
                                  "manifests": .array(Array(repeating: top.json, count: 200))], mediaType: TestImageLayout.indexType)
        }
        try layout.writeIndex([top.json])
        let opened = try OCIImageLayout(path: layout.path)
        try await LayoutStore(opened).checkComplete(opened.resolve(.only))

        var nested = try layout.image(architecture: "amd64", layer: "deep layer")
        for _ in 0..<(OCIImageLayout.maximumIndexDepth + 1) {
            nested = try layout.put(["schemaVersion": 2, "mediaType": .string(TestImageLayout.indexType), "manifests": [nested.json]],
                                    mediaType: TestImageLayout.indexType)
        }
        try layout.writeIndex([nested.json])
        let deep = try OCIImageLayout(path: layout.path)
        await #expect(throws: ImageStoreError.self) { try await LayoutStore(deep).checkComplete(deep.resolve(.only)) }
    }

    @Test(arguments: ["layer", "config"])
    func aBlobChangedInPlaceFailsTheCompletenessCheck(part: String) async throws {
        let directory = TemporaryDirectory()
        let sample = try TestImageLayout.sample(at: directory.path("layout"))
        let layout = try OCIImageLayout(path: sample.layout.path)
        let app = try layout.resolve(.tag("app"))
        let manifest = try layout.manifest(app)
        let target = part == "layer" ? manifest.layers[0] : manifest.config
        // Same size, one byte different: only hashing notices.
        let path = sample.layout.path + "/" + target.digest.blobPath
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[bytes.count - 2] ^= 0x20
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        await #expect(throws: ImageStoreError.digestMismatch(expected: target.digest, actual: .sha256(of: bytes))) {
            try await LayoutStore(layout).checkComplete(app)
        }
    }

    @Test func appendingKeepsEverythingElseAndLeavesNoTemporaryFiles() throws {
        let directory = TemporaryDirectory()
        let sample = try TestImageLayout.sample(at: directory.path("layout"))
        // Members Sigil does not model must survive the rewrite.
        var index = try sample.layout.index()
        index = index.merging(["annotations": ["org.example.kept": "yes"]])
        try Data(CanonicalJSON.encode(index)).write(to: URL(fileURLWithPath: sample.layout.path + "/index.json"))
        var layout = try OCIImageLayout(path: sample.layout.path)
        let blob = Array("{\"hello\":1}".utf8)
        let digest = try layout.writeBlob(blob)
        let descriptor = OCIDescriptor(mediaType: OCIMediaType.imageManifest, of: blob, annotations: ["k": "v"])
        try layout.append([descriptor])
        try layout.append([descriptor])   // idempotent
        let reread = try sample.layout.index()
        #expect(reread["annotations"]?["org.example.kept"] == "yes")
        #expect(reread["manifests"]?.arrayValue?.count == 3)
        #expect(reread["manifests"]?[2]?["digest"]?.stringValue == digest.description)
        let files = try FileManager.default.contentsOfDirectory(atPath: sample.layout.path)
        #expect(files.sorted() == ["blobs", "index.json", "oci-layout"])
        let missing = OCIDescriptor(mediaType: OCIMediaType.imageManifest, of: Array("absent".utf8))
        #expect(throws: ImageStoreError.missingBlob(missing.digest)) { try layout.append([missing]) }
    }

    @Test func lifecycleStatementsRoundTripAndRejectNonsense() throws {
        let successor = OCIDigest("sha256:" + String(repeating: "1", count: 64))!
        let statement = try LifecycleStatement(status: .superseded, supersededBy: successor, reason: "v2 is out")
        #expect(try LifecycleStatement(predicate: statement.predicate) == statement)
        #expect(statement.annotations[OCIAnnotation.lifecycleStatus] == "superseded")
        #expect(throws: LifecycleError.self) { try LifecycleStatement(status: .superseded) }
        #expect(throws: LifecycleError.self) { try LifecycleStatement(status: .active, supersededBy: successor) }
        #expect(throws: LifecycleError.self) { try LifecycleStatement(predicate: ["status": "retired"]) }
        #expect(throws: LifecycleError.self) { try LifecycleStatement(predicate: ["status": "active", "colour": "red"]) }
        let eol = try LifecycleStatement(status: .endOfLife)
        let logged = Date(timeIntervalSince1970: 1_700_000_000)
        #expect(eol.endOfLife(recorded: logged) == logged)
    }
}

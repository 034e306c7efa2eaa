import Foundation
import SigstoreKit
import TestSupport
import Testing
import WireFormat

/// `sigil-server init` and the single servers, run as the real binary.
@Suite struct InitTests {
    static var caConfig: String {
        Fixtures.packageRoot.appendingPathComponent("ca").path
    }

    func server(_ arguments: [String]) throws -> (status: Int32, output: String) {
        try runToCompletion(ServerProcess.binary, arguments)
    }

    @Test func initWritesPrivateKeysOwnerOnlyAndStrictTrustFilesAndRefusesToOverwrite() throws {
        let directory = TemporaryDirectory()
        let data = directory.path("data")
        let first = try server(["init", "--data", data, "--ca-config", Self.caConfig])
        #expect(first.status == 0, "\(first.output)")
        #expect(!first.output.contains("PRIVATE KEY"))
        let keys = try FileManager.default.contentsOfDirectory(atPath: data + "/keys").filter { $0 != "tuf" }
        #expect(keys.count == 8)   // log, CT, Rekor v2, TSA, CA root and intermediate, OIDC RS256 and ES256
        for key in keys {
            let mode = try FileManager.default.attributesOfItem(atPath: data + "/keys/" + key)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(key)")
        }
        // The TUF repository's keys (root, targets, online for snapshot and timestamp), and the
        // first root users bootstrap from.
        let tufKeys = try FileManager.default.contentsOfDirectory(atPath: data + "/keys/tuf").sorted()
        #expect(tufKeys == ["online.pem", "root.pem", "targets.pem"])
        #expect(try FileManager.default.attributesOfItem(atPath: data + "/keys/tuf")[.posixPermissions] as? Int == 0o700)
        for key in tufKeys {
            #expect(try FileManager.default.attributesOfItem(atPath: data + "/keys/tuf/" + key)[.posixPermissions] as? Int == 0o600, "\(key)")
        }
        #expect(FileManager.default.fileExists(atPath: data + "/tuf/repository/1.root.json"))
        #expect(!first.output.contains("BEGIN"))
        let trust = try ClientTrustConfig(parsing: Array(try Data(contentsOf: URL(fileURLWithPath: data + "/trust_config.json"))))
        #expect(trust.trustedRoot.mediaType == TrustedRoot.mediaTypeV01)
        // The Rekor v1 log, and the Rekor v2 log as its own log (Ed25519, C2SP key ID as log ID).
        #expect(trust.trustedRoot.tlogs.count == 2 && trust.trustedRoot.ctlogs.count == 1)
        let v2 = try #require(trust.trustedRoot.tlogs.last)
        #expect(v2.baseURL.isExactly("http://127.0.0.1:3000/rekor-v2"))
        #expect(v2.keyDetails.isExactly("PKIX_ED25519") && v2.key?.kind == .ed25519)
        #expect(v2.logID == NoteKeyID(rekorV2Origin: "127.0.0.1", key: try #require(v2.key)).bytes)
        #expect(v2.hostname.isExactly("127.0.0.1"))
        // The CT log's baseUrl is the origin its RFC 6962 paths hang off (`<baseUrl>/ct/v1/…`).
        #expect(trust.trustedRoot.ctlogs.first?.baseURL.isExactly("http://127.0.0.1:3000") == true,
                "\(trust.trustedRoot.ctlogs.first?.baseURL ?? "none")")
        #expect(trust.trustedRoot.certificateAuthorities.first?.certificates.count == 2)
        #expect(trust.signingConfig.caURLs.first?.url == "http://127.0.0.1:5555")
        // The signing config lists both logs under one operator and the TSA's full endpoint:
        // sigstore-python (Rekor 1 and 2) keeps the highest version per operator, the v2 log; a
        // client that speaks only v1 still finds the v1 log.
        let signing = trust.signingConfig
        #expect(signing.rekorTlogURLs.map(\.url) == ["http://127.0.0.1:3000", "http://127.0.0.1:3000/rekor-v2"])
        #expect(signing.rekorTlogURLs.map(\.majorAPIVersion) == [1, 2])
        #expect(Set(signing.rekorTlogURLs.map(\.operator)).count == 1)
        #expect(signing.tsaURLs.map(\.url) == ["http://127.0.0.1:5557/api/v1/timestamp"] && signing.tsaURLs.first?.majorAPIVersion == 1)
        #expect(SigningConfig.select(signing.rekorTlogURLs, supportedVersions: [1], at: Date()).map(\.url) == ["http://127.0.0.1:3000"])
        #expect(SigningConfig.select(signing.rekorTlogURLs, supportedVersions: [1, 2], at: Date()).map(\.url)
                == ["http://127.0.0.1:3000/rekor-v2"])
        let rootAlone = try TrustedRoot(parsing: Array(try Data(contentsOf: URL(fileURLWithPath: data + "/trusted_root.json"))))
        #expect(rootAlone == trust.trustedRoot)

        let before = try Data(contentsOf: URL(fileURLWithPath: data + "/keys/log-signing-key.pem"))
        let second = try server(["init", "--data", data, "--ca-config", Self.caConfig])
        #expect(second.status != 0)
        #expect(second.output.contains("refusing to overwrite"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: data + "/keys/log-signing-key.pem")) == before)
    }

    @Test func singleServersFailClosedWithoutTheirKeys() throws {
        let directory = TemporaryDirectory()
        let empty = directory.path("empty")
        for (command, what) in [("ca", "CA root certificate"), ("log", "does not exist; run `sigil-server init"), ("oidc", "OIDC RS256 key")] {
            let result = try server([command, "--data", empty, "--port", String(try FreePort.find())])
            #expect(result.status != 0, "\(command)")
            #expect(result.output.contains(what), "\(command): \(result.output)")
        }
        #expect(!FileManager.default.fileExists(atPath: empty), "nothing is created on the fly")
    }

    @Test func initWritesThePortsOfLoopbackURLsIntoTheSettings() throws {
        let directory = TemporaryDirectory()
        let data = directory.path("data")
        let result = try server(["init", "--data", data, "--ca-config", Self.caConfig, "--oidc-url", "http://127.0.0.1:15556",
                                 "--ca-url", "http://127.0.0.1:15555", "--log-url", "http://127.0.0.1:13000"])
        #expect(result.status == 0, "\(result.output)")
        func settings(_ server: String) throws -> JSONValue {
            try JSONValue(parsing: Array(try Data(contentsOf: URL(fileURLWithPath: "\(data)/config/\(server).json"))))
        }
        #expect(try settings("oidc")["port"]?.integerValue == 15556)
        #expect(try settings("oidc")["issuerURL"] == nil, "the issuer URL follows the port")
        #expect(try settings("ca")["port"]?.integerValue == 15555)
        #expect(try settings("ca")["ctLogURL"]?.stringValue?.isExactly("http://127.0.0.1:13000") == true)
        #expect(try settings("log")["port"]?.integerValue == 13000)
        let issuers = try JSONValue(parsing: Array(try Data(contentsOf: URL(fileURLWithPath: data + "/ca/issuers.json"))))
        #expect(issuers["oidc-issuers"]?["http://127.0.0.1:15556"] != nil)
        #expect(issuers["oidc-issuers"]?["http://127.0.0.1:15556/actions"] != nil)
        #expect(issuers["oidc-issuers"]?["http://127.0.0.1:5556"] == nil)
        #expect(issuers["oidc-issuers"]?["https://token.actions.githubusercontent.com"] != nil, "other issuers are kept")
        let checked = try server(["log", "--data", data, "--check-config"])
        #expect(checked.output.contains("listening would be on http://127.0.0.1:13000"), "\(checked.output)")
    }

    /// The log name is only checked when the log's first checkpoint is signed, after every key and
    /// certificate has been written: a failure part-way, which must leave nothing behind.
    @Test func anInitThatFailsPartWayLeavesNoFolder() throws {
        let directory = TemporaryDirectory()
        let parent = directory.path("parent")
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        let failed = try server(["init", "--data", parent + "/data", "--ca-config", Self.caConfig, "--log-name", "two words"])
        #expect(failed.status != 0)
        #expect(failed.output.contains("invalid note key name"), "\(failed.output)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: parent).isEmpty, "no folder and no staging folder left")

        // An existing empty folder (a volume's mount point) stays empty.
        let mounted = parent + "/mounted"
        try FileManager.default.createDirectory(atPath: mounted, withIntermediateDirectories: false)
        let failedInPlace = try server(["init", "--data", mounted, "--ca-config", Self.caConfig, "--log-name", "two words"])
        #expect(failedInPlace.status != 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: mounted).isEmpty)
        let succeeded = try server(["init", "--data", mounted, "--ca-config", Self.caConfig])
        #expect(succeeded.status == 0, "\(succeeded.output)")
        #expect(FileManager.default.fileExists(atPath: mounted + "/log.sqlite"))
        #expect(!FileManager.default.fileExists(atPath: mounted + "/.sigil-init-staging"))
    }
}

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
        let keys = try FileManager.default.contentsOfDirectory(atPath: data + "/keys")
        #expect(keys.count == 6)
        for key in keys {
            let mode = try FileManager.default.attributesOfItem(atPath: data + "/keys/" + key)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(key)")
        }
        let trust = try ClientTrustConfig(parsing: Array(try Data(contentsOf: URL(fileURLWithPath: data + "/trust_config.json"))))
        #expect(trust.trustedRoot.mediaType == TrustedRoot.mediaTypeV01)
        #expect(trust.trustedRoot.tlogs.count == 1 && trust.trustedRoot.ctlogs.count == 1)
        // The CT log's baseUrl is the origin its RFC 6962 paths hang off (`<baseUrl>/ct/v1/…`).
        #expect(trust.trustedRoot.ctlogs.first?.baseURL.isExactly("http://127.0.0.1:3000") == true,
                "\(trust.trustedRoot.ctlogs.first?.baseURL ?? "none")")
        #expect(trust.trustedRoot.certificateAuthorities.first?.certificates.count == 2)
        #expect(trust.signingConfig.caURLs.first?.url == "http://127.0.0.1:5555")
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
}

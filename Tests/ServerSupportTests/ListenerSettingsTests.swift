import Foundation
import ServerSupport
import Testing

@Suite struct ListenerSettingsTests {
    func reader(_ json: String) throws -> SettingsReader {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("listener-\(UUID().uuidString).json").path
        try json.write(toFile: path, atomically: true, encoding: .utf8)
        return try SettingsReader(file: path, known: ListenerSettings.keys, prefix: "SIGIL_T_", environment: [:])
    }

    @Test func loopbackPlainHTTPIsTheDefault() throws {
        let settings = try ListenerSettings.read(from: try reader("{}"), defaultPort: 3000, host: nil, port: nil)
        #expect(settings == ListenerSettings(host: "127.0.0.1", port: 3000))
        #expect(settings.localURL == "http://127.0.0.1:3000")
    }

    @Test(arguments: ["0.0.0.0", "10.1.2.3", "::", "example.com"])
    func plainHTTPOffLoopbackNeedsAnExplicitChoice(host: String) throws {
        #expect(throws: ConfigurationError.self) {
            try ListenerSettings.read(from: try reader("{}"), defaultPort: 3000, host: host, port: nil)
        }
        let allowed = try ListenerSettings.read(from: try reader(#"{"allowPlainHTTP": true}"#), defaultPort: 3000, host: host, port: nil)
        #expect(allowed.host == host && allowed.scheme == "http")
        let tls = try ListenerSettings.read(from: try reader(#"{"tls": {"certificate": "c", "key": "k"}}"#), defaultPort: 3000,
                                            host: host, port: nil)
        #expect(tls.scheme == "https")
    }

    @Test(arguments: ["127.0.0.1", "127.0.0.53", "localhost", "::1"])
    func loopbackAddresses(host: String) throws {
        #expect(ListenerSettings(host: host, port: 1).isLoopback)
    }

    @Test func certificateAndKeyComeTogether() throws {
        #expect(throws: ConfigurationError.self) {
            try ListenerSettings.read(from: try reader(#"{"tls": {"key": "k"}}"#), defaultPort: 1, host: nil, port: nil)
        }
        #expect(throws: ConfigurationError.self) {
            try ListenerSettings.read(from: try reader(#"{"tls": {"certificate": "c"}}"#), defaultPort: 1, host: nil, port: nil)
        }
    }

    @Test func unreadableKeyIsNamedWithoutItsContents() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let key = directory.appendingPathComponent("key.pem").path
        try "-----BEGIN PRIVATE KEY-----\nc2VjcmV0\n-----END PRIVATE KEY-----\n".write(toFile: key, atomically: true, encoding: .utf8)
        let settings = ListenerSettings(host: "127.0.0.1", port: 1, tlsCertificate: "/nonexistent.pem", tlsKey: key)
        #expect { try settings.serverBuilder() } throws: { error in
            "\(error)".hasPrefix("/nonexistent.pem: tls.certificate: not a readable PEM certificate chain")
        }
    }
}

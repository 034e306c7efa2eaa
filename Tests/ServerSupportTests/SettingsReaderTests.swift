import Foundation
import ServerSupport
import Testing

@Suite struct SettingsReaderTests {
    let known: Set<String> = ["port", "host", "maxBatch", "tls.certificate", "tls.key", "allowPlainHTTP", "tokenClients"]

    func file(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("settings-\(UUID().uuidString).json").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func environmentNamesAreUpperSnakeCase() {
        #expect(SettingsReader.environmentName(prefix: "SIGIL_LOG_", key: "maxRequestBytes") == "SIGIL_LOG_MAX_REQUEST_BYTES")
        #expect(SettingsReader.environmentName(prefix: "SIGIL_CA_", key: "tls.certificate") == "SIGIL_CA_TLS_CERTIFICATE")
        #expect(SettingsReader.environmentName(prefix: "SIGIL_CA_", key: "ctLogURL") == "SIGIL_CA_CT_LOG_URL")
        #expect(SettingsReader.environmentName(prefix: "SIGIL_LOG_", key: "allowPlainHTTP") == "SIGIL_LOG_ALLOW_PLAIN_HTTP")
    }

    @Test func flagsBeatEnvironmentBeatFileBeatDefault() throws {
        let path = try file(#"{"port": 4000, "maxBatch": 10, "description": "notes for operators"}"#)
        let reader = try SettingsReader(file: path, known: known, prefix: "SIGIL_LOG_", environment: ["SIGIL_LOG_MAX_BATCH": "20"])
        #expect(try reader.integer("port", default: 3000, range: 1...65_535) == 4000)
        #expect(try reader.integer("port", flag: ("port", 5000), default: 3000, range: 1...65_535) == 5000)
        #expect(try reader.integer("maxBatch", default: 1, range: 1...100) == 20)
        #expect(try reader.string("host", default: "127.0.0.1") == "127.0.0.1")
        #expect(reader.origin(of: "maxBatch", flag: nil, flagSet: false) == "environment SIGIL_LOG_MAX_BATCH")
        #expect(reader.origin(of: "port", flag: "port", flagSet: false) == path)
        #expect(reader.has("port") && !reader.has("host"))
    }

    @Test func nestedKeysAreDotted() throws {
        let path = try file(#"{"tls": {"certificate": "c.pem", "key": "k.pem"}}"#)
        let reader = try SettingsReader(file: path, known: known, prefix: "SIGIL_LOG_", environment: [:])
        #expect(try reader.optionalString("tls.certificate") == "c.pem")
        #expect(try reader.optionalString("tls.key") == "k.pem")
    }

    @Test(arguments: [
        (#"{"prot": 1}"#, "prot: unknown setting"),
        (#"{"tls": {"cert": "x"}}"#, "tls.cert: unknown setting"),
        (#"{"port": null}"#, "port: must not be null"),
        (#"[1, 2]"#, "(file): must hold a JSON object"),
        (#"{"port": 1, "port": 2}"#, "(file): is not valid JSON"),
        ("{\"port\": 1} // comment", "(file): is not valid JSON"),
    ])
    func strictFileErrorsNameTheField(text: String, message: String) throws {
        let path = try file(text)
        #expect {
            try SettingsReader(file: path, known: known, prefix: "SIGIL_LOG_", environment: [:])
        } throws: { error in
            "\(error)" == "\(path): \(message)" || "\(error)".hasPrefix("\(path): \(message)")
        }
    }

    @Test func typeAndRangeErrors() throws {
        let path = try file(#"{"port": "3000", "maxBatch": 0, "allowPlainHTTP": "yes", "tokenClients": "all"}"#)
        let reader = try SettingsReader(file: path, known: known, prefix: "SIGIL_LOG_", environment: [:])
        #expect(throws: ConfigurationError(source: path, field: "port", problem: "must be an integer")) {
            try reader.integer("port", default: 1, range: 1...65_535)
        }
        #expect(throws: ConfigurationError(source: path, field: "maxBatch", problem: "0 is outside 1...100")) {
            try reader.integer("maxBatch", default: 1, range: 1...100)
        }
        #expect(throws: ConfigurationError(source: path, field: "allowPlainHTTP", problem: "must be true or false")) {
            try reader.bool("allowPlainHTTP", default: false)
        }
        #expect(throws: ConfigurationError(source: path, field: "tokenClients", problem: "\"all\" is not one of loopback, any")) {
            try reader.choice("tokenClients", default: "loopback", among: ["loopback", "any"])
        }
    }

    @Test func unknownEnvironmentVariableWithThePrefixIsRefused() {
        #expect(throws: ConfigurationError.self) {
            try SettingsReader(file: nil, known: known, prefix: "SIGIL_LOG_", environment: ["SIGIL_LOG_PROT": "1"])
        }
        // Other servers' variables and the config-file variable are not this server's business.
        #expect(throws: Never.self) {
            try SettingsReader(file: nil, known: known, prefix: "SIGIL_LOG_",
                               environment: ["SIGIL_CA_PORT": "1", "SIGIL_LOG_CONFIG": "x.json", "SIGIL_PASSWORD": "p"])
        }
    }
}

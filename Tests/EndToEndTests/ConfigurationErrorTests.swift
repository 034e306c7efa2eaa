import Foundation
import TestSupport
import Testing

/// Every configuration mistake stops start-up with one line naming the file (or variable) and the
/// field, and nothing starts half-configured.
@Suite struct ConfigurationErrorTests {
    let directory = TemporaryDirectory()

    func initialised(_ name: String = "data") throws -> String {
        let data = directory.path(name)
        try ServerProcess.initialise(data: data)
        return data
    }

    func write(_ text: String, _ name: String) throws -> String {
        let path = directory.path(name)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Runs a server command that must refuse to start; returns its one-line error. Unless the
    /// port itself is under test (`freePorts: false`), each server's port is a free one (set by
    /// environment, which `environment` may override): several refusals come only after the port
    /// check, and the default ports may be held by a running `sigil-server all`.
    func refusal(_ arguments: [String], environment: [String: String] = [:], freePorts: Bool = true) throws -> String {
        var environment = environment
        if freePorts {
            let base = try FreePort.consecutive(3)
            let ports = ["SIGIL_OIDC_PORT": base, "SIGIL_CA_PORT": base + 1, "SIGIL_LOG_PORT": base + 2]
            environment.merge(ports.mapValues(String.init)) { given, _ in given }
        }
        let (status, output) = try runToCompletion(ServerProcess.binary, arguments, environment: environment)
        #expect(status != 0, "\(arguments) started: \(output)")
        let lines = output.split(separator: "\n").filter { !$0.hasPrefix("Usage") && !$0.hasPrefix("  See") && !$0.isEmpty }
        #expect(lines.count == 1, "\(output)")
        return output
    }

    @Test func unknownKeyNamesTheFileAndField() throws {
        let data = try initialised()
        let file = try write(#"{"port": 3000, "queueCapacty": 10}"#, "log.json")
        let error = try refusal(["log", "--data", data, "--config", file])
        #expect(error.contains("\(file): queueCapacty: unknown setting"), "\(error)")
    }

    @Test func badPortInFileEnvironmentOrFlag() throws {
        let data = try initialised()
        // The port is what is wrong here, so nothing overrides it (and nothing gets as far as binding).
        let file = try write(#"{"port": 70000}"#, "ca.json")
        #expect(try refusal(["ca", "--data", data, "--config", file], freePorts: false).contains("\(file): port: 70000 is outside 1...65535"))
        #expect(try refusal(["oidc", "--data", data], environment: ["SIGIL_OIDC_PORT": "http"], freePorts: false)
            .contains("environment SIGIL_OIDC_PORT: port: \"http\" is not an integer"))
        #expect(try refusal(["log", "--data", data, "--port", "0"], freePorts: false).contains("--port: port: 0 is outside 1...65535"))
        let typo = try refusal(["log", "--data", data], environment: ["SIGIL_LOG_PROT": "3000"], freePorts: false)
        #expect(typo.contains("environment SIGIL_LOG_PROT") && typo.contains("is not a setting of this server"))
    }

    @Test func wrongTypeAndMalformedFile() throws {
        let data = try initialised()
        let typed = try write(#"{"maxBatch": "many"}"#, "typed.json")
        #expect(try refusal(["log", "--data", data, "--config", typed]).contains("\(typed): maxBatch: must be an integer"))
        let broken = try write(#"{"port": 3000,}"#, "broken.json")
        #expect(try refusal(["log", "--data", data, "--config", broken]).contains("\(broken): (file): is not valid JSON"))
        let missing = directory.path("absent.json")
        #expect(try refusal(["log", "--data", data, "--config", missing]).contains("\(missing): (file): cannot be read"))
    }

    @Test func missingKeyFileNamesTheDataSetting() throws {
        let data = try initialised()
        try FileManager.default.removeItem(atPath: data + "/keys/log-signing-key.pem")
        let file = try write(#"{"data": "\#(data)"}"#, "log.json")
        let error = try refusal(["log", "--config", file])
        #expect(error.contains("\(file): data:") && error.contains("log signing key is missing at \(data)/keys/log-signing-key.pem"), "\(error)")
        try FileManager.default.removeItem(atPath: data + "/keys/ca-intermediate-key.pem")
        #expect(try refusal(["ca", "--data", data]).contains("CA intermediate key is missing"))
    }

    @Test func unwritableDataFolder() throws {
        let data = try initialised()
        if getuid() == 0 {
            // Permissions do not stop root; a read-only filesystem does. Put the log's files on one.
            let error = try refusal(["log", "--data", "/proc/1"])
            #expect(error.contains("data: /proc/1 is not writable"), "\(error)")
        } else {
            try FileManager.default.setAttributes([.posixPermissions: 0o500], ofItemAtPath: data)
            defer { try? FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: data) }
            let error = try refusal(["log", "--data", data])
            #expect(error.contains("data: \(data) is not writable"), "\(error)")
        }
    }

    @Test func databaseFromAnotherLogKeyIsRefused() throws {
        let first = try initialised("first"), second = try initialised("second")
        try FileManager.default.removeItem(atPath: first + "/log.sqlite")
        try FileManager.default.copyItem(atPath: second + "/log.sqlite", toPath: first + "/log.sqlite")
        let error = try refusal(["log", "--data", first])
        #expect(error.contains("data: refusing to open \(first)/log.sqlite") && error.contains("belongs to log key"), "\(error)")
    }

    @Test func tlsHalfConfiguredAndPlainHTTPOffLoopback() throws {
        let data = try initialised()
        let half = try write(#"{"tls": {"certificate": "/nonexistent.pem"}}"#, "half.json")
        #expect(try refusal(["log", "--data", data, "--config", half]).contains("tls.key: tls.certificate is set, so tls.key is required"))
        let exposed = try refusal(["ca", "--data", data, "--host", "0.0.0.0"])
        #expect(exposed.contains("--host: host: 0.0.0.0 is not a loopback address"), "\(exposed)")
        let unreadable = try write(#"{"tls": {"certificate": "/nonexistent.pem", "key": "/nonexistent.key"}}"#, "unreadable.json")
        #expect(try refusal(["oidc", "--data", data, "--config", unreadable]).contains("/nonexistent.pem: tls.certificate: not a readable PEM"))
    }

    @Test func invalidURLsAndUnusablePortsAreNamed() async throws {
        let data = try initialised()
        #expect(try refusal(["ca", "--data", data], environment: ["SIGIL_CA_CT_LOG_URL": "notaurl"])
            .contains("environment SIGIL_CA_CT_LOG_URL: ctLogURL: \"notaurl\" is not an http:// or https:// URL with a host"))
        #expect(try refusal(["oidc", "--data", data, "--issuer-url", "ftp://x"]).contains("--issuer-url: issuerURL:"))
        let running = try await ServerProcess(data: data, command: "oidc")
        defer { running.stop() }
        let busy = try refusal(["ca", "--data", data, "--port", String(running.port)])
        #expect(busy.contains("listener: port: cannot listen on 127.0.0.1:\(running.port)"), "\(busy)")
    }

    @Test func aDataFolderServesOneLogAndIsNotRotatedUnderIt() async throws {
        let data = try initialised()
        let running = try await ServerProcess(data: data)
        defer { running.stop() }
        let second = try refusal(["log", "--data", data, "--port", String(try FreePort.find())])
        #expect(second.contains("is in use by another process"), "\(second)")
        let rotation = try runToCompletion(ServerProcess.binary, ["rotate", "log-key", "--data", data])
        #expect(rotation.status != 0 && rotation.output.contains("is in use by another process"), "\(rotation.output)")
        #expect(FileManager.default.fileExists(atPath: data + "/log.sqlite"), "nothing moved")
    }

    @Test func mismatchedTLSKeyIsNamed() throws {
        let data = try initialised()
        var files: [String] = []
        for name in ["one", "two"] {
            let certificate = directory.path("\(name).pem"), key = directory.path("\(name).key")
            let made = try runToCompletion("/usr/bin/openssl", [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1",
                "-subj", "/CN=127.0.0.1", "-keyout", key, "-out", certificate])
            try #require(made.status == 0, "\(made.output)")
            files += [certificate, key]
        }
        let config = try write(#"{"tls": {"certificate": "\#(files[0])", "key": "\#(files[3])"}}"#, "mismatch.json")
        let error = try refusal(["log", "--data", data, "--config", config])
        #expect(error.contains("\(files[3]): tls.key: does not belong to the certificate in \(files[0])"), "\(error)")
        #expect(!error.contains("BEGIN"), "no key material in the message")
    }

    @Test func allRefusesACTLogKeyClientsDoNotTrust() throws {
        // Initialised for the ports `all` will use: a folder whose trust files name other ports is
        // refused before the CA is built.
        let base = try FreePort.consecutive(4)
        let data = directory.path("data")
        let initialised = try runToCompletion(ServerProcess.binary, [
            "init", "--data", data, "--ca-config", InitTests.caConfig, "--oidc-url", "http://127.0.0.1:\(base)",
            "--ca-url", "http://127.0.0.1:\(base + 1)", "--log-url", "http://127.0.0.1:\(base + 2)",
            "--tsa-url", "http://127.0.0.1:\(base + 3)",
        ])
        try #require(initialised.status == 0, "\(initialised.output)")
        // The CA skips its per-SCT check for the CT log in its own process only because that log's
        // key was found to be the one clients are given.
        let other = try runToCompletion("/usr/bin/openssl", ["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", directory.path("other.pem")])
        try #require(other.status == 0, "\(other.output)")
        let exported = try runToCompletion("/usr/bin/openssl", ["ec", "-in", directory.path("other.pem"), "-pubout", "-out", data + "/ct-public-key.pem"])
        try #require(exported.status == 0, "\(exported.output)")
        // Servers built before the CA have logged their start-up lines; the refusal is the last one.
        // No port settings: `init` wrote them into config/*.json.
        let (status, error) = try runToCompletion(ServerProcess.binary, ["all", "--data", data])
        #expect(status != 0)
        #expect(error.contains("the CT log key does not match \(data)/ct-public-key.pem"), "\(error)")
    }

    @Test func allChecksEveryServerBeforeStartingAny() throws {
        let data = try initialised()
        try #"{"tokenClients": "everyone"}"#.write(toFile: data + "/config/oidc.json", atomically: true, encoding: .utf8)
        let error = try refusal(["all", "--data", data])
        #expect(error.contains("\(data)/config/oidc.json: tokenClients: \"everyone\" is not one of loopback, any"), "\(error)")
    }

    /// The sign-in's client and code lifetime (issue 19) are checked like every other setting.
    @Test func signInSettingsAreChecked() throws {
        let data = try initialised()
        try #"{"clientID": "two words"}"#.write(toFile: data + "/config/oidc.json", atomically: true, encoding: .utf8)
        let client = try refusal(["oidc", "--data", data, "--check-config"])
        #expect(client.contains("\(data)/config/oidc.json: clientID: must be 1 to 128 printable ASCII characters"), "\(client)")
        try #"{"authorizationCodeLifetimeSeconds": 3600}"#.write(toFile: data + "/config/oidc.json", atomically: true, encoding: .utf8)
        let lifetime = try refusal(["oidc", "--data", data, "--check-config"])
        #expect(lifetime.contains("authorizationCodeLifetimeSeconds: 3600 is outside 1...600"), "\(lifetime)")
    }
}

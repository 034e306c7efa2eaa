import AsyncHTTPClient
import Foundation
import NIOCore
import SigstoreKit
import TestSupport
import WireFormat

/// The whole Sigil stack as real `sigil-server` processes on free loopback ports: the
/// development OIDC issuer, the log (with its CT log) and the CA, sharing one data folder made
/// by `sigil-server init` with a CA configuration that trusts this issuer's port. Clients get
/// `--trust-config` plus `--fulcio-url`/`--rekor-url` (the trust config names the default ports).
final class SigilStack {
    private(set) var data = ""
    private(set) var oidcURL = ""
    private(set) var caURL = ""
    private(set) var logURL = ""
    private var processes: [Process] = []

    var trustConfig: String { data + "/trust_config.json" }
    /// Flags for the signing commands.
    var signingFlags: [String] { ["--trust-config", trustConfig, "--fulcio-url", caURL, "--rekor-url", logURL] }

    init(directory: String) async throws {
        var lastError = "no attempt"
        for attempt in 0..<3 {
            let base = try FreePort.consecutive(3)
            let folder = directory + "/stack\(attempt)"
            do {
                try Self.writeCAConfig(to: folder + "/ca", oidcPort: base)
                let initialised = try runToCompletion(ServerProcess.binary, ["init", "--data", folder + "/data", "--ca-config", folder + "/ca"])
                guard initialised.status == 0 else { throw ServerProcessError("init failed: \(initialised.output)") }
                data = folder + "/data"
                oidcURL = "http://127.0.0.1:\(base)"
                caURL = "http://127.0.0.1:\(base + 1)"
                logURL = "http://127.0.0.1:\(base + 2)"
                try start(["oidc", "--data", data, "--port", String(base)])
                try start(["log", "--data", data, "--port", String(base + 2)])
                try start(["ca", "--data", data, "--port", String(base + 1), "--log-url", logURL])
                if try await waitUntilHealthy() { return }
                lastError = "the servers on ports \(base)…\(base + 2) did not come up"
            } catch {
                lastError = "\(error)"
            }
            stop()
        }
        throw ServerProcessError(lastError)
    }

    /// The repository's `ca/` configuration, with the development issuers moved to `oidcPort`.
    static func writeCAConfig(to folder: String, oidcPort: Int) throws {
        let repository = Fixtures.packageRoot
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: repository.appendingPathComponent("ca/certificate-profile.json").path,
                                         toPath: folder + "/certificate-profile.json")
        let text = try String(contentsOf: repository.appendingPathComponent("ca/issuers.json"), encoding: .utf8)
        try text.replacingOccurrences(of: "http://127.0.0.1:5556", with: "http://127.0.0.1:\(oidcPort)")
            .write(toFile: folder + "/issuers.json", atomically: true, encoding: .utf8)
    }

    private func start(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ServerProcess.binary)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        processes.append(process)
    }

    private func waitUntilHealthy() async throws -> Bool {
        for _ in 0..<150 {
            var healthy = true
            for url in [oidcURL, caURL, logURL] where (try? await get(url + "/healthz")) != 200 { healthy = false }
            if healthy { return true }
            if processes.contains(where: { !$0.isRunning }) { return false }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    private func get(_ url: String) async throws -> UInt {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(2))
        return response.status.code
    }

    /// An ID token from the development issuer (`POST /token`) for `email`.
    func token(_ email: String) async throws -> String {
        var request = HTTPClientRequest(url: oidcURL + "/token")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        let form = "subject=\(email)&email=\(email)".replacingOccurrences(of: "@", with: "%40")
        request.body = .bytes(ByteBuffer(string: form))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
        let body = try await response.body.collect(upTo: 1 << 20)
        guard let token = try JSONValue(parsing: Array(body.readableBytesView))["id_token"]?.stringValue else {
            throw ServerProcessError("the issuer answered HTTP \(response.status.code) without an id_token")
        }
        return token
    }

    func stop() {
        for process in processes where process.isRunning { process.terminate() }
        for process in processes { process.waitUntilExit() }
        processes = []
    }

    deinit { stop() }
}

import Foundation
import SigilClient
import TestSupport

/// A `sigil-server` child process on a loopback port, for tests that must kill and restart it.
final class ServerProcess {
    let process: Process
    let port: Int
    let client: LogClient

    /// The binary under test: `SIGIL_SERVER_BINARY`, or `sigil-server` in ``BuildProducts/directory``.
    static var binary: String {
        if let path = ProcessInfo.processInfo.environment["SIGIL_SERVER_BINARY"] { return path }
        return BuildProducts.path("sigil-server")
    }

    static func initialise(data: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["init", "--data", data]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw ServerProcessError("sigil-server init failed") }
    }

    /// Starts `sigil-server log` (or `command`) and waits until it answers `/healthz`. With
    /// `errorLog`, the server's standard error (its JSON log lines) goes to that file.
    /// With `tls`, readiness is probed over HTTPS without verifying the certificate.
    init(data: String, command: String = "log", extraArguments: [String] = [], errorLog: String? = nil, tls: Bool = false,
         environment: [String: String] = [:]) async throws {
        var lastError = "no attempt"
        for _ in 0..<5 {
            let port = try FreePort.find()
            let process = Process()
            process.executableURL = URL(fileURLWithPath: Self.binary)
            process.arguments = [command, "--data", data, "--port", String(port)] + extraArguments
            process.standardOutput = FileHandle.nullDevice
            if !environment.isEmpty {
                process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
            }
            if let errorLog {
                _ = FileManager.default.createFile(atPath: errorLog, contents: nil)
                process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errorLog))
            } else {
                process.standardError = FileHandle.nullDevice
            }
            try process.run()
            let client = LogClient(baseURL: "http://127.0.0.1:\(port)")
            for _ in 0..<150 {
                let probe = tls ? ["-fsk", "https://127.0.0.1:\(port)/healthz"] : ["-fs", "http://127.0.0.1:\(port)/healthz"]
                if (try? runToCompletion("/usr/bin/curl", probe))?.status == 0 {
                    self.process = process
                    self.port = port
                    self.client = client
                    return
                }
                if !process.isRunning { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            lastError = "server on port \(port) did not come up (exit status \(process.isRunning ? -1 : process.terminationStatus))"
            if process.isRunning { process.terminate() }
        }
        throw ServerProcessError(lastError)
    }

    func kill() {
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    func stop() {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }

    var url: String { "http://127.0.0.1:\(port)" }
}

struct ServerProcessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}


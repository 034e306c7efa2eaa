import Crypto
import Foundation
import SwiftASN1
import Synchronization
import TestSupport
import X509
#if canImport(Glibc)
import Glibc
#endif

/// A real CNCF distribution registry (Debian's `docker-registry`, 2.8: no referrers API) serving a
/// temporary directory on a free loopback port for one test, optionally with TLS and htpasswd
/// (bcrypt) basic auth. Its access log (one line per request) lets a test see what reached it.
/// Stopped by `stop()` or, at the latest, when released.
final class RegistryProcess: Sendable {
    static let binary = "/usr/bin/docker-registry"

    /// `127.0.0.1:PORT`, as a reference names it.
    let host: String
    /// The storage root (`docker/registry/v2/…` below it).
    let storage: String
    /// With TLS: the CA that issued the server's certificate, as a PEM file.
    let caFile: String?
    private let directory: TemporaryDirectory
    private let process: Mutex<Process>
    private let logPath: String

    /// Basic auth: one user, stored bcrypt-hashed as distribution requires.
    struct Login: Sendable {
        let username: String
        let password: String
    }

    private init(host: String, directory: TemporaryDirectory, caFile: String?, process: Process, logPath: String) {
        self.host = host
        self.directory = directory
        storage = directory.path("storage")
        self.caFile = caFile
        self.process = Mutex(process)
        self.logPath = logPath
    }

    /// Starts a registry; `tls` serves HTTPS with a throwaway CA's certificate for 127.0.0.1, and
    /// `login` requires basic auth (over TLS only, as distribution insists).
    static func start(tls: Bool = false, login: Login? = nil) async throws -> RegistryProcess {
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw TestFailure("\(binary) is missing: install Debian's docker-registry package (apt-get install docker-registry; .ci installs it). "
                + "The registry tests run against the real CNCF distribution registry and are not skipped.")
        }
        let directory = TemporaryDirectory()
        let port = try FreePort.find()
        var config = """
            version: 0.1
            log:
              level: error
            storage:
              filesystem:
                rootdirectory: \(directory.path("storage"))
              delete:
                enabled: true
              maintenance:
                uploadpurging:
                  enabled: false
            http:
              addr: 127.0.0.1:\(port)
              secret: sigil-registry-test

            """
        var caFile: String?
        if tls {
            let files = try ServerCertificate.write(into: directory)
            caFile = files.ca
            config += "  tls:\n    certificate: \(files.certificate)\n    key: \(files.key)\n"
        }
        if let login {
            let line = try runToCompletion("/usr/bin/htpasswd", ["-Bbn", login.username, login.password])
            guard line.status == 0 else { throw TestFailure("htpasswd failed (install apache2-utils): \(line.output)") }
            try Data(line.output.utf8).write(to: URL(fileURLWithPath: directory.path("htpasswd")))
            config += "auth:\n  htpasswd:\n    realm: sigil-test\n    path: \(directory.path("htpasswd"))\n"
        }
        try Data(config.utf8).write(to: URL(fileURLWithPath: directory.path("config.yml")))

        let logPath = directory.path("access.log")
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["serve", directory.path("config.yml")]
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.standardOutput = log
        process.standardError = log
        try process.run()
        let registry = RegistryProcess(host: "127.0.0.1:\(port)", directory: directory, caFile: caFile, process: process, logPath: logPath)
        try await registry.waitUntilListening(port: port)
        return registry
    }

    /// Polls until the port accepts connections (distribution listens once it is ready).
    private func waitUntilListening(port: Int) async throws {
        for _ in 0..<200 {
            if Self.accepts(port: port) { return }
            guard process.withLock({ $0.isRunning }) else {
                throw TestFailure("docker-registry exited at start: \(accessLog)")
            }
            try await Task.sleep(for: .milliseconds(25))
        }
        throw TestFailure("docker-registry did not listen on 127.0.0.1:\(port) within 5 s: \(accessLog)")
    }

    private static func accepts(port: Int) -> Bool {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { return false }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }

    /// What the registry printed: its access log (Apache combined format) and errors.
    var accessLog: String {
        (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
    }

    /// Access-log lines of requests whose request line starts with `prefix` (`"PATCH /v2/a/b/`).
    func requests(startingWith prefix: String) -> [String] {
        accessLog.split(separator: "\n").map(String.init).filter { $0.contains("\"" + prefix) }
    }

    /// The `data` file of a blob in the registry's storage.
    func blobDataPath(_ hex: String) -> String {
        "\(storage)/docker/registry/v2/blobs/sha256/\(hex.prefix(2))/\(hex)/data"
    }

    func stop() {
        process.withLock { process in
            guard process.isRunning else { return }
            process.terminate()
            process.waitUntilExit()
        }
    }

    deinit { stop() }
}

/// A throwaway CA and a server certificate for 127.0.0.1 it issued, as PEM files.
enum ServerCertificate {
    static func write(into directory: TemporaryDirectory) throws -> (ca: String, certificate: String, key: String) {
        let now = Date()
        let caKey = P256.Signing.PrivateKey()
        let caName = try DistinguishedName { CommonName("sigil registry test CA") }
        let ca = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(caKey.publicKey),
            notValidBefore: now - 3600, notValidAfter: now + 86_400, issuer: caName, subject: caName,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true))
            },
            issuerPrivateKey: .init(caKey))
        let serverKey = P256.Signing.PrivateKey()
        let server = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(serverKey.publicKey),
            notValidBefore: now - 3600, notValidAfter: now + 86_400, issuer: caName,
            subject: try DistinguishedName { CommonName("127.0.0.1") },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames([.ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1]))])
            },
            issuerPrivateKey: .init(caKey))
        let paths = (ca: directory.path("ca.pem"), certificate: directory.path("server.pem"), key: directory.path("server.key"))
        try Data(try ca.serializeAsPEM().pemString.utf8).write(to: URL(fileURLWithPath: paths.ca))
        try Data(try server.serializeAsPEM().pemString.utf8).write(to: URL(fileURLWithPath: paths.certificate))
        try Data(serverKey.pemRepresentation.utf8).write(to: URL(fileURLWithPath: paths.key))
        return paths
    }
}

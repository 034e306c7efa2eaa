import Crypto
import Foundation
import SigilClient
import TestSupport
import Testing

/// Encrypted PKCS#8 keys: our own round trip, the wrong password, and OpenSSL agreeing on the format.
@Suite struct EncryptedPrivateKeyTests {
    /// Few rounds keep the suite fast; the format does not depend on the count.
    static let rounds = 1_000

    @Test func roundTrip() throws {
        let key = P256.Signing.PrivateKey()
        let pem = try EncryptedPrivateKey.encrypt(pkcs8: Array(key.derRepresentation), password: Array("pw".utf8), iterations: Self.rounds)
        #expect(pem.hasPrefix("-----BEGIN ENCRYPTED PRIVATE KEY-----\n"))
        let decrypted = try EncryptedPrivateKey.decrypt(pem: pem, password: Array("pw".utf8))
        #expect(try P256.Signing.PrivateKey(derRepresentation: decrypted).publicKey.rawRepresentation == key.publicKey.rawRepresentation)
    }

    @Test func wrongPasswordIsRejected() throws {
        let pem = try EncryptedPrivateKey.encrypt(pkcs8: Array(P256.Signing.PrivateKey().derRepresentation),
                                                  password: Array("right".utf8), iterations: Self.rounds)
        #expect(throws: PrivateKeyError.wrongPassword) { try EncryptedPrivateKey.decrypt(pem: pem, password: Array("wrong".utf8)) }
    }

    @Test func notAnEncryptedKeyIsRejected() throws {
        let plain = P256.Signing.PrivateKey().pemRepresentation
        #expect(throws: PrivateKeyError.self) { try EncryptedPrivateKey.decrypt(pem: plain, password: []) }
        #expect(throws: PrivateKeyError.self) { try EncryptedPrivateKey.decrypt(pem: "garbage", password: []) }
    }

    /// `openssl pkey` reads what we write (default rounds, as generate-key-pair writes), and we
    /// read what `openssl pkcs8 -topk8 -v2 aes-256-cbc` writes with its own defaults.
    @Test func openSSLInteroperates() throws {
        let directory = TemporaryDirectory()
        let pair = try ManagedKeyPair.generate(password: Array("s3cret".utf8))
        try pair.encryptedPrivateKeyPEM.write(toFile: directory.path("k.key"), atomically: true, encoding: .utf8)
        let accepted = try openssl(["pkey", "-in", directory.path("k.key"), "-passin", "pass:s3cret", "-noout"])
        #expect(accepted.status == 0, "\(accepted.output)")
        let rejected = try openssl(["pkey", "-in", directory.path("k.key"), "-passin", "pass:nope", "-noout"])
        #expect(rejected.status != 0)
        let publicKey = try openssl(["pkey", "-in", directory.path("k.key"), "-passin", "pass:s3cret", "-pubout"])
        #expect(publicKey.output == pair.publicKeyPEM)

        try P256.Signing.PrivateKey().pemRepresentation.write(toFile: directory.path("plain.pem"), atomically: true, encoding: .utf8)
        let converted = try openssl(["pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", directory.path("plain.pem"), "-passout", "pass:x"])
        #expect(converted.status == 0)
        let der = try EncryptedPrivateKey.decrypt(pem: converted.output, password: Array("x".utf8))
        #expect((try? P256.Signing.PrivateKey(derRepresentation: der)) != nil)
    }

    func openssl(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

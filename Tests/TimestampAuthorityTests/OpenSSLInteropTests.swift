import Foundation
import SigstoreKit
import TestSupport
import Testing
import TimestampAuthority

/// An independent RFC 3161 implementation checks the tokens: `openssl ts` builds the query, the
/// signer answers it, and `openssl ts -verify` checks the reply against the query and the chain.
/// openssl is required (`.ci/run` installs it): a missing binary fails the test.
@Suite struct OpenSSLInteropTests {
    let directory = TemporaryDirectory()

    func openssl(_ arguments: [String]) throws -> (status: Int32, output: String) {
        try runToCompletion("/usr/bin/openssl", arguments)
    }

    func writeChain() throws -> (root: String, untrusted: String) {
        let pems = TSAFixtures.material.chainPEM.components(separatedBy: "-----END CERTIFICATE-----\n").filter { !$0.isEmpty }
            .map { $0 + "-----END CERTIFICATE-----\n" }
        try #require(pems.count == 3)
        let root = directory.path("root.pem"), untrusted = directory.path("untrusted.pem")
        try pems[2].write(toFile: root, atomically: true, encoding: .utf8)
        try (pems[0] + pems[1]).write(toFile: untrusted, atomically: true, encoding: .utf8)
        return (root, untrusted)
    }

    @Test(arguments: ["-sha256", "-sha384", "-sha512"], [true, false])
    func opensslVerifiesAReplyToItsOwnQuery(_ digest: String, withCertificate: Bool) throws {
        let data = directory.path("data.txt"), query = directory.path("query.tsq"), reply = directory.path("reply.tsr")
        try "timestamp me".write(toFile: data, atomically: true, encoding: .utf8)
        let made = try openssl(["ts", "-query", "-data", data, digest] + (withCertificate ? ["-cert"] : []) + ["-out", query])
        try #require(made.status == 0, "\(made.output)")
        let request = try TimeStampRequest(derEncoded: Array(try Data(contentsOf: URL(fileURLWithPath: query))))
        #expect(request.nonce != nil, "openssl sends a nonce by default")
        try Data(try TSAFixtures.signer.respond(to: request, at: Date())).write(to: URL(fileURLWithPath: reply))
        let (root, untrusted) = try writeChain()
        let verified = try openssl(["ts", "-verify", "-queryfile", query, "-in", reply, "-CAfile", root, "-untrusted", untrusted])
        #expect(verified.status == 0 && verified.output.contains("Verification: OK"), "\(verified.output)")
        let againstData = try openssl(["ts", "-verify", "-data", data, "-in", reply, "-CAfile", root, "-untrusted", untrusted])
        #expect(againstData.status == 0, "\(againstData.output)")
        // Other data, or another root, fails.
        try "other".write(toFile: data, atomically: true, encoding: .utf8)
        let tampered = try openssl(["ts", "-verify", "-data", data, "-in", reply, "-CAfile", root, "-untrusted", untrusted])
        #expect(tampered.status != 0, "\(tampered.output)")
    }

    @Test func opensslReadsARejection() throws {
        let reply = directory.path("rejection.tsr")
        try Data(TimeStampResponseEncoder.rejection(.weakHashAlgorithm)).write(to: URL(fileURLWithPath: reply))
        let printed = try openssl(["ts", "-reply", "-in", reply, "-text"])
        #expect(printed.status == 0, "\(printed.output)")
        #expect(printed.output.contains("Status: Rejected"), "\(printed.output)")
        #expect(printed.output.contains("unrecognized or unsupported algorithm identifier"), "\(printed.output)")
    }
}

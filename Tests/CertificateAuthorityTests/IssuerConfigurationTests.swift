import Foundation
@testable import CertificateAuthority
import Testing

@Suite struct IssuerConfigurationTests {
    @Test(arguments: [
        ("https://oidc.eks.*.amazonaws.com/id/*", "https://oidc.eks.eu-west-1.amazonaws.com/id/ABC123", true),
        ("https://oidc.eks.*.amazonaws.com/id/*", "https://oidc.eks.eu.west.amazonaws.com/id/ABC", false),
        ("https://oidc.eks.*.amazonaws.com/id/*", "https://oidc.eks.x.amazonaws.com/id/ABC/extra", false),
        ("https://oidc.eks.*.amazonaws.com/id/*", "https://oidc.eks..amazonaws.com/id/ABC", false),
        ("https://token.actions.githubusercontent.com/*", "https://token.actions.githubusercontent.com/acme", true),
        ("https://token.actions.githubusercontent.com/*", "https://token.actions.githubusercontent.com/acme?x", false),
        ("https://a.example/*", "https://a.example/b.evil.com", false),
        ("https://a.example/*", "xhttps://a.example/b", false),
    ])
    func wildcardsMatchOneLabelAnchored(pattern: String, candidate: String, expected: Bool) {
        #expect(wildcardMatches(pattern: pattern, candidate) == expected)
    }

    @Test func exactIssuersWinAndUnknownOnesAreNil() throws {
        let pool = IssuerPool([
            try IssuerConfiguration(url: "https://token.actions.githubusercontent.com/*", match: .wildcard, type: .ciProvider),
            try IssuerConfiguration(url: "https://token.actions.githubusercontent.com/acme", type: .githubWorkflow),
        ])
        #expect(pool.issuer(for: "https://token.actions.githubusercontent.com/acme")?.type == .githubWorkflow)
        #expect(pool.issuer(for: "https://token.actions.githubusercontent.com/other")?.type == .ciProvider)
        #expect(pool.issuer(for: "https://token.actions.githubusercontent.com") == nil)
    }

    /// The file checked into the repository must load and map the development issuers as documented.
    @Test func repositoryIssuerFileLoads() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("ca/issuers.json").path
        let pool = try IssuerPool(configurationFile: path)
        #expect(pool.issuer(for: "http://127.0.0.1:5556")?.type == .email)
        #expect(pool.issuer(for: "http://127.0.0.1:5556/actions")?.type == .githubWorkflow)
        #expect(pool.issuer(for: "http://127.0.0.1:5556")?.clientID == "sigstore")
    }

    @Test func repositoryProfileFileLoads() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("ca/certificate-profile.json").path
        let profile = try CertificateProfile(file: path)
        #expect(profile.leafValiditySeconds == 600)
    }

    @Test func configurationErrorsAreCaught() {
        #expect(throws: IssuerConfigurationError.self) {
            try IssuerPool(configurationJSON: Array(#"{"oidc-issuers":{"https://x":{"type":"email","clientid":"s"}}}"#.utf8))
        }
        #expect(throws: IssuerConfigurationError.self) {
            try IssuerPool(configurationJSON: Array(#"{"oidc-issuers":{"https://x":{"type":"uri"}}}"#.utf8))
        }
        #expect(throws: IssuerConfigurationError.self) {
            try IssuerPool(configurationJSON: Array(#"{"oidc-issuers":{"https://x/*":{"type":"email"}}}"#.utf8))
        }
        #expect(throws: IssuerConfigurationError.self) {
            try IssuerPool(configurationJSON: Array(#"{"meta-issuers":{"https://x/*":{"type":"spiffe","spiffe-trust-domain":"x"}}}"#.utf8))
        }
        #expect(throws: IssuerConfigurationError.self) { try CertificateProfile(json: Array(#"{"leaf-validity-seconds":5}"#.utf8)) }
    }
}

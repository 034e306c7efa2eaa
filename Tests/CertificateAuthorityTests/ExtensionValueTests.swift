import Crypto
import Foundation
@testable import CertificateAuthority
import SigstoreKit
import SwiftASN1
import Testing
import X509
import WireFormat

/// The Fulcio OID extensions of issued leaves, value by value (sigstore-spec.md §A.7).
@Suite struct ExtensionValueTests {
    /// Every 57264.1.x extension of `leaf`, decoded: raw UTF-8 for .1–.6, DER UTF8String after.
    static func fulcioExtensions(_ leaf: Certificate) throws -> [Int: String] {
        var values: [Int: String] = [:]
        for ext in leaf.extensions {
            let arcs = Array(ext.oid.oidComponents)
            guard arcs.count == 9, Array(arcs.prefix(8)) == [1, 3, 6, 1, 4, 1, 57264, 1] else { continue }
            #expect(!ext.critical)
            let n = Int(arcs[8])
            if n <= 6 {
                values[n] = try #require(String(validating: ext.value, as: UTF8.self))
            } else {
                let node = try DER.parse(Array(ext.value))
                #expect(node.identifier == .utf8String, "OID .1.\(n) is a DER UTF8String")
                values[n] = String(try ASN1UTF8String(derEncoded: node))
            }
        }
        return values
    }

    @Test func emailTokenExtensions() async throws {
        let ca = CAHarness()
        let (_, json) = try await ca.post(try Requests.publicKey(.init(), challenge: "alice@example.com", token: try await ca.emailToken()))
        let leaf = try json.issuedChain()[0]
        #expect(try Self.fulcioExtensions(leaf) == [
            1: "http://127.0.0.1:5556",
            8: "http://127.0.0.1:5556",
            24: "alice-sub",
        ])
        // .1.1 is the raw bytes, not DER-wrapped.
        #expect(Array(leaf.extensions[oid: FulcioExtension.issuerV1.oid]!.value) == Array("http://127.0.0.1:5556".utf8))
        let san = try #require(try leaf.extensions.subjectAlternativeNames)
        #expect(Array(san) == [.rfc822Name("alice@example.com")])
    }

    @Test func githubActionsTokenExtensions() async throws {
        let ca = CAHarness()
        let token = try await ca.actionsToken()
        let sub = "repo:octo-org/octo-repo:environment:prod"
        let (status, json) = try await ca.post(try Requests.publicKey(.init(), challenge: sub, token: token))
        #expect(status == .ok, "\(json)")
        let leaf = try json.issuedChain()[0]
        let ref = "octo-org/octo-repo/.github/workflows/release.yml@refs/heads/main"
        let sha = "0123456789abcdef0123456789abcdef01234567"
        #expect(try Self.fulcioExtensions(leaf) == [
            1: "http://127.0.0.1:5556/actions",
            2: "push", 3: sha, 4: "Release", 5: "octo-org/octo-repo", 6: "refs/heads/main",
            8: "http://127.0.0.1:5556/actions",
            9: "https://github.com/\(ref)",
            10: sha,
            11: "github-hosted",
            12: "https://github.com/octo-org/octo-repo",
            13: sha,
            14: "refs/heads/main",
            15: "74",
            16: "https://github.com/octo-org",
            17: "65",
            18: "https://github.com/\(ref)",
            19: sha,
            20: "push",
            21: "https://github.com/octo-org/octo-repo/actions/runs/4242/attempts/2",
            22: "private",
            23: "prod",
            24: sub,
        ])
        let san = try #require(try leaf.extensions.subjectAlternativeNames)
        #expect(Array(san) == [.uniformResourceIdentifier("https://github.com/\(ref)")])
    }

    @Test func ciProviderTypeOmitsTheDeprecatedExtensionsAndEmptyEnvironment() throws {
        let issuer = try IssuerConfiguration(url: "https://token.actions.githubusercontent.com", type: .ciProvider)
        var claims = Self.githubClaims
        claims["environment"] = ""
        let identity = try IssuedIdentity(token: VerifiedToken(issuerURL: issuer.url, issuer: issuer, claims: claims))
        let kinds = identity.extensions.map { $0.0.rawValue }
        #expect(kinds == [1, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 24])
        #expect(identity.challenge == "repo:o/r:ref:refs/heads/main")
    }

    @Test func githubTokenMissingARequiredClaimIsRefused() throws {
        let issuer = try IssuerConfiguration(url: "https://token.actions.githubusercontent.com", type: .githubWorkflow)
        var claims = Self.githubClaims
        claims["job_workflow_sha"] = nil
        #expect(throws: TokenError.missingClaim("job_workflow_sha")) {
            try IssuedIdentity(token: VerifiedToken(issuerURL: issuer.url, issuer: issuer, claims: claims))
        }
    }

    @Test func uriIssuerUsesTheSubjectAsURISAN() throws {
        let issuer = try IssuerConfiguration(url: "https://auth.example.com", type: .uri, subjectDomain: "https://example.com")
        let token = VerifiedToken(issuerURL: issuer.url, issuer: issuer,
                                  claims: ["sub": "https://example.com/users/alice"])
        let identity = try IssuedIdentity(token: token)
        #expect(identity.subjectAlternativeName == .uniformResourceIdentifier("https://example.com/users/alice"))
        #expect(identity.extensions.map { $0.0.rawValue } == [1, 8, 24])
        let outside = VerifiedToken(issuerURL: issuer.url, issuer: issuer, claims: ["sub": "https://evil.com/alice"])
        #expect(throws: TokenError.self) { try IssuedIdentity(token: outside) }
    }

    @Test func usernameIssuerUsesAnOtherNameSAN() throws {
        let issuer = try IssuerConfiguration(url: "https://auth.example.com", type: .username, subjectDomain: "example.com")
        let identity = try IssuedIdentity(token: VerifiedToken(issuerURL: issuer.url, issuer: issuer, claims: ["sub": "alice"]))
        guard case .otherName(let other) = identity.subjectAlternativeName else { Issue.record("not an OtherName"); return }
        #expect(other.typeID == [1, 3, 6, 1, 4, 1, 57264, 1, 7])
        let value = try #require(other.value)
        #expect(String(try ASN1UTF8String(asn1Any: value)) == "alice!example.com")
        #expect(throws: TokenError.self) {
            try IssuedIdentity(token: VerifiedToken(issuerURL: issuer.url, issuer: issuer, claims: ["sub": "a!b"]))
        }
    }

    @Test func kubernetesAndSpiffeIdentities() throws {
        let k8s = try IssuerConfiguration(url: "https://oidc.eks.*.amazonaws.com/id/*", match: .wildcard, type: .kubernetes)
        let claims: [String: JSONValue] = ["sub": "system:serviceaccount:ns:sa",
                                           "kubernetes.io": ["namespace": "ns", "serviceaccount": ["name": "sa"]]]
        let identity = try IssuedIdentity(token: VerifiedToken(issuerURL: "https://oidc.eks.eu-1.amazonaws.com/id/ABC", issuer: k8s, claims: claims))
        #expect(identity.subjectAlternativeName == .uniformResourceIdentifier("https://kubernetes.io/namespaces/ns/serviceaccounts/sa"))
        let spiffe = try IssuerConfiguration(url: "https://spire.example.com", type: .spiffe, spiffeTrustDomain: "example.com")
        let id = try IssuedIdentity(token: VerifiedToken(issuerURL: spiffe.url, issuer: spiffe, claims: ["sub": "spiffe://example.com/web"]))
        #expect(id.subjectAlternativeName == .uniformResourceIdentifier("spiffe://example.com/web"))
        #expect(throws: TokenError.self) {
            try IssuedIdentity(token: VerifiedToken(issuerURL: spiffe.url, issuer: spiffe, claims: ["sub": "spiffe://other.org/web"]))
        }
    }

    static let githubClaims: [String: JSONValue] = [
        "sub": "repo:o/r:ref:refs/heads/main", "job_workflow_ref": "o/r/.github/workflows/w.yml@refs/heads/main",
        "sha": "abc", "event_name": "push", "repository": "o/r", "workflow": "W", "ref": "refs/heads/main",
        "job_workflow_sha": "abc", "runner_environment": "github-hosted", "repository_id": "1", "repository_owner": "o",
        "repository_owner_id": "2", "repository_visibility": "public", "workflow_ref": "o/r/.github/workflows/w.yml@refs/heads/main",
        "workflow_sha": "abc", "run_id": "3", "run_attempt": "1",
    ]
}

import Foundation
import SigstoreKit
import SwiftASN1
import WireFormat
import X509

/// What a verified token turns into (sigstore-spec.md §A.6–A.7): the string the proof of
/// possession must sign, the certificate's single SAN, and the Fulcio OID extensions in the order
/// they are written. Values are only listed when non-empty, as Fulcio omits empty extensions.
public struct IssuedIdentity: Sendable, Equatable {
    /// The challenge-claim value (`email` or `sub`) the requester signs as proof of possession.
    public let challenge: String
    public let subjectAlternativeName: GeneralName
    public let extensions: [(FulcioExtension, String)]

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.challenge.isExactly(rhs.challenge) && lhs.subjectAlternativeName == rhs.subjectAlternativeName
            && lhs.extensions.map(\.0) == rhs.extensions.map(\.0)
            && lhs.extensions.map(\.1).elementsEqual(rhs.extensions.map(\.1)) { $0.isExactly($1) }
    }

    init(challenge: String, subjectAlternativeName: GeneralName, extensions: [(FulcioExtension, String)]) throws(TokenError) {
        // URI and email SANs are IA5Strings; refuse here (400) rather than fail while signing (500).
        switch subjectAlternativeName {
        case .uniformResourceIdentifier(let text), .rfc822Name(let text):
            guard text.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else {
                throw .invalidClaim(name: "identity", reason: "the certificate identity must be printable ASCII")
            }
        default:
            break
        }
        self.challenge = challenge
        self.subjectAlternativeName = subjectAlternativeName
        self.extensions = extensions.filter { !$0.1.isEmpty }
    }

    /// Maps `token` by its issuer's type; throws when a claim the type needs is missing or invalid.
    public init(token: VerifiedToken) throws(TokenError) {
        let claims = ClaimReader(token.claims)
        let sub = try claims.required("sub")
        let challenge = try claims.required(token.issuer.challengeClaim)
        // Every identity carries the issuer twice (.1.1 raw for old clients, .1.8 DER) and the raw subject.
        let issuerExtensions: [(FulcioExtension, String)] = [(.issuerV1, token.issuerURL), (.issuer, token.issuerURL)]
        switch token.issuer.type {
        case .email:
            let email = try IdentityRules.email(claims, config: token.issuer)
            try self.init(challenge: challenge, subjectAlternativeName: .rfc822Name(email),
                      extensions: issuerExtensions + [(.tokenSubject, sub)])
        case .githubWorkflow, .ciProvider:
            let github = try GitHubWorkflowIdentity(claims, providerURL: token.issuer.ciProviderURL)
            let legacy = token.issuer.type == .githubWorkflow ? github.legacyExtensions : []
            try self.init(challenge: challenge, subjectAlternativeName: .uniformResourceIdentifier(github.subjectAlternativeName),
                      extensions: [issuerExtensions[0]] + legacy + [issuerExtensions[1]] + github.extensions + [(.tokenSubject, sub)])
        case .uri:
            let uri = try IdentityRules.uri(sub: sub, config: token.issuer)
            try self.init(challenge: challenge, subjectAlternativeName: .uniformResourceIdentifier(uri),
                      extensions: issuerExtensions + [(.tokenSubject, sub)])
        case .username:
            let name = try IdentityRules.username(sub: sub, config: token.issuer)
            try self.init(challenge: challenge, subjectAlternativeName: try IdentityRules.usernameOtherName(name),
                      extensions: issuerExtensions + [(.tokenSubject, sub)])
        case .kubernetes:
            let uri = try IdentityRules.kubernetes(token.claims)
            try self.init(challenge: challenge, subjectAlternativeName: .uniformResourceIdentifier(uri),
                      extensions: issuerExtensions + [(.tokenSubject, sub)])
        case .spiffe:
            try IdentityRules.spiffe(sub: sub, config: token.issuer)
            try self.init(challenge: challenge, subjectAlternativeName: .uniformResourceIdentifier(sub),
                      extensions: issuerExtensions + [(.tokenSubject, sub)])
        }
    }
}

/// String claims of a verified token. Every claim read here is copied into the certificate or
/// signed as the challenge, so each must be text the certificate can hold faithfully
/// (`CertifiableText`): no control or invisible characters, NFC, and ASCII where it forms a URL.
struct ClaimReader {
    let claims: [String: JSONValue]
    init(_ claims: [String: JSONValue]) { self.claims = claims }

    /// A claim that must be a non-empty string.
    func required(_ name: String, asciiOnly: Bool = false) throws(TokenError) -> String {
        guard let value = claims[name] else { throw .missingClaim(name) }
        guard let text = value.stringValue else { throw .invalidClaim(name: name, reason: "not a string") }
        guard !text.isEmpty else { throw .missingClaim(name) }
        return try certifiable(text, name: name, asciiOnly: asciiOnly)
    }

    /// A claim that may be absent; present, it must be a string.
    func optional(_ name: String, asciiOnly: Bool = false) throws(TokenError) -> String {
        guard let value = claims[name], !value.isNull else { return "" }
        guard let text = value.stringValue else { throw .invalidClaim(name: name, reason: "not a string") }
        return try certifiable(text, name: name, asciiOnly: asciiOnly)
    }

    private func certifiable(_ text: String, name: String, asciiOnly: Bool) throws(TokenError) -> String {
        if let problem = CertifiableText.problem(in: text, asciiOnly: asciiOnly) { throw .invalidClaim(name: name, reason: problem) }
        return text
    }
}

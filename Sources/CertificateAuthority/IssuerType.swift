/// How an issuer's tokens map to a certificate identity (sigstore-spec.md §A.6, Fulcio's
/// `type` config key). The raw values are Fulcio's configuration spellings.
public enum IssuerType: String, Sendable, CaseIterable {
    /// SAN = the `email` claim (rfc822Name); requires `email_verified`.
    case email
    /// GitHub Actions: SAN = `https://github.com/{job_workflow_ref}`, all GitHub OID extensions,
    /// plus the deprecated raw .1.2–.1.6 ones (Fulcio's `github-workflow` principal).
    case githubWorkflow = "github-workflow"
    /// A CI provider described by a claim template; Sigil ships the GitHub Actions template.
    /// Same as `github-workflow` without the deprecated .1.2–.1.6 extensions.
    case ciProvider = "ci-provider"
    /// SAN = URI `sub`, whose scheme and host must equal the issuer's `subject-domain`.
    case uri
    /// SAN = OtherName 1.3.6.1.4.1.57264.1.7 holding `sub!subject-domain`.
    case username
    /// SAN = `https://kubernetes.io/namespaces/NS/serviceaccounts/SA` from the `kubernetes.io` claim.
    case kubernetes
    /// SAN = URI `sub` (a SPIFFE ID) in the configured trust domain.
    case spiffe

    /// The claim whose value the proof of possession signs, unless the issuer overrides it.
    public var defaultChallengeClaim: String { self == .email ? "email" : "sub" }
}

import SigstoreKit

/// The GitHub Actions claim mapping of Fulcio's production `ci-provider` template (and its older
/// `github-workflow` principal): SAN `{url}/{job_workflow_ref}` and extensions .1.9–.1.23
/// (sigstore-spec.md §A.7). Every claim the template uses must be present and non-empty, except
/// `environment`, whose empty default just leaves .1.23 out.
struct GitHubWorkflowIdentity {
    /// The claims Fulcio's github-workflow principal refuses to do without.
    static let requiredClaims = [
        "job_workflow_ref", "sha", "event_name", "repository", "workflow", "ref", "job_workflow_sha",
        "runner_environment", "repository_id", "repository_owner", "repository_owner_id",
        "repository_visibility", "workflow_ref", "workflow_sha", "run_id", "run_attempt",
    ]

    let subjectAlternativeName: String
    let extensions: [(FulcioExtension, String)]
    let legacyExtensions: [(FulcioExtension, String)]

    /// Claims that become part of a URL (the SAN and the `…URI` extensions): ASCII only.
    static let urlClaims = ["job_workflow_ref", "repository", "repository_owner", "workflow_ref", "run_id", "run_attempt"]

    init(_ claims: ClaimReader, providerURL url: String) throws(TokenError) {
        // Keyed by our own constant claim names, never by token text.
        var c: [String: String] = [:]
        for name in Self.requiredClaims { c[name] = try claims.required(name, asciiOnly: Self.urlClaims.contains(name)) }
        let environment = try claims.optional("environment")
        let value = { (name: String) in c[name] ?? "" }
        subjectAlternativeName = "\(url)/\(value("job_workflow_ref"))"
        extensions = [
            (.buildSignerURI, "\(url)/\(value("job_workflow_ref"))"),
            (.buildSignerDigest, value("job_workflow_sha")),
            (.runnerEnvironment, value("runner_environment")),
            (.sourceRepositoryURI, "\(url)/\(value("repository"))"),
            (.sourceRepositoryDigest, value("sha")),
            (.sourceRepositoryRef, value("ref")),
            (.sourceRepositoryIdentifier, value("repository_id")),
            (.sourceRepositoryOwnerURI, "\(url)/\(value("repository_owner"))"),
            (.sourceRepositoryOwnerIdentifier, value("repository_owner_id")),
            (.buildConfigURI, "\(url)/\(value("workflow_ref"))"),
            (.buildConfigDigest, value("workflow_sha")),
            (.buildTrigger, value("event_name")),
            (.runInvocationURI, "\(url)/\(value("repository"))/actions/runs/\(value("run_id"))/attempts/\(value("run_attempt"))"),
            (.sourceRepositoryVisibilityAtSigning, value("repository_visibility")),
            (.deploymentEnvironment, environment),
        ]
        legacyExtensions = [
            (.githubWorkflowTrigger, value("event_name")),
            (.githubWorkflowSHA, value("sha")),
            (.githubWorkflowName, value("workflow")),
            (.githubWorkflowRepository, value("repository")),
            (.githubWorkflowRef, value("ref")),
        ]
    }
}

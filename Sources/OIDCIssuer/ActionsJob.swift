import Crypto
import Foundation
import WireFormat

/// An emulated GitHub Actions job: what a real runner knows about the workflow run, turned into
/// the custom claims of its OIDC token (sigstore-spec.md §E.2). All claim values are strings,
/// numeric IDs included, as GitHub sends them.
public struct ActionsJob: Sendable, Equatable {
    /// `owner/repo`.
    public var repository: String
    /// Path of the workflow file, e.g. `.github/workflows/release.yml`.
    public var workflowPath: String
    /// The `workflow` claim: the workflow's name (GitHub uses the path when the file has no `name:`).
    public var workflowName: String
    /// Fully qualified ref, e.g. `refs/heads/main` or `refs/tags/v1.0`.
    public var ref: String
    /// Commit SHA the run builds.
    public var sha: String
    public var eventName: String
    public var actor: String
    public var actorID: String
    public var repositoryID: String
    public var repositoryOwnerID: String
    public var repositoryVisibility: String
    public var runID: String
    public var runNumber: String
    public var runAttempt: String
    public var runnerEnvironment: String
    /// Deployment environment; when set, GitHub puts it in `sub` instead of the ref.
    public var environment: String?
    /// `owner/repo/path@ref` of the reusable workflow that runs the job; the caller's own workflow when nil.
    public var jobWorkflowRef: String?
    public var jobWorkflowSHA: String?
    public var headRef: String
    public var baseRef: String

    /// A job with every claim given; the optional ones default as `POST /actions/jobs` does.
    public init(
        repository: String, workflowPath: String, workflowName: String? = nil, ref: String, sha: String,
        eventName: String, actor: String = "sigil-dev", actorID: String? = nil, repositoryID: String? = nil,
        repositoryOwnerID: String? = nil, repositoryVisibility: String = "public", runID: String = "1",
        runNumber: String = "1", runAttempt: String = "1", runnerEnvironment: String = "github-hosted",
        environment: String? = nil, jobWorkflowRef: String? = nil, jobWorkflowSHA: String? = nil,
        headRef: String = "", baseRef: String = ""
    ) {
        self.repository = repository
        self.workflowPath = workflowPath
        self.workflowName = workflowName ?? workflowPath
        self.ref = ref
        self.sha = sha
        self.eventName = eventName
        self.actor = actor
        self.actorID = actorID ?? Self.stableID(actor)
        self.repositoryID = repositoryID ?? Self.stableID(repository)
        self.repositoryOwnerID = repositoryOwnerID ?? Self.stableID(String(repository.prefix { $0 != "/" }))
        self.repositoryVisibility = repositoryVisibility
        self.runID = runID
        self.runNumber = runNumber
        self.runAttempt = runAttempt
        self.runnerEnvironment = runnerEnvironment
        self.environment = environment
        self.jobWorkflowRef = jobWorkflowRef
        self.jobWorkflowSHA = jobWorkflowSHA
        self.headRef = headRef
        self.baseRef = baseRef
    }

    /// The owner part of `repository`.
    public var repositoryOwner: String { String(repository.prefix { $0 != "/" }) }

    /// `owner/repo/.github/workflows/file.yml@ref`.
    public var workflowRef: String { "\(repository)/\(workflowPath)@\(ref)" }

    /// `branch` or `tag`, from the ref's namespace.
    public var refType: String { ref.hasExactPrefix("refs/tags/") ? "tag" : "branch" }

    /// `repo:owner/repo:environment:NAME` or `repo:owner/repo:ref:REF`, with `:` inside values
    /// written `%3A` as GitHub does, so the subject stays unambiguous.
    public var subject: String {
        func escaped(_ s: String) -> String { s.replacingOccurrences(of: ":", with: "%3A") }
        if let environment { return "repo:\(escaped(repository)):environment:\(escaped(environment))" }
        return "repo:\(escaped(repository)):ref:\(escaped(ref))"
    }

    /// The GitHub-specific claims (everything except iss/aud/exp/iat/nbf/jti).
    public var claims: [String: JSONValue] {
        var claims: [String: String] = [
            "sub": subject,
            "repository": repository, "repository_owner": repositoryOwner,
            "repository_id": repositoryID, "repository_owner_id": repositoryOwnerID,
            "repository_visibility": repositoryVisibility,
            "workflow": workflowName, "workflow_ref": workflowRef, "workflow_sha": sha,
            "job_workflow_ref": jobWorkflowRef ?? workflowRef, "job_workflow_sha": jobWorkflowSHA ?? sha,
            "sha": sha, "ref": ref, "ref_type": refType, "ref_protected": "false",
            "event_name": eventName,
            "run_id": runID, "run_number": runNumber, "run_attempt": runAttempt,
            "runner_environment": runnerEnvironment,
            "actor": actor, "actor_id": actorID,
            "head_ref": headRef, "base_ref": baseRef,
        ]
        if let environment { claims["environment"] = environment }
        return claims.mapValues { .string($0) }
    }
}

extension ActionsJob {
    /// Reads a job registration form. `repository`, `workflow`, `ref`, `sha` and `event_name` are
    /// required; every other claim has a plausible default. IDs default to numbers derived from the
    /// names, so the same repository always gets the same `repository_id`, as on GitHub.
    init(form: FormFields, runID defaultRunID: String) throws(OIDCIssuerError) {
        repository = try form.required("repository")
        let parts = repository.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw .invalidField(name: "repository", reason: "expected OWNER/REPO")
        }
        workflowPath = try form.required("workflow")
        workflowName = form["workflow_name"] ?? workflowPath
        ref = try form.required("ref")
        guard ref.hasExactPrefix("refs/") else { throw .invalidField(name: "ref", reason: "expected refs/heads/… or refs/tags/…") }
        sha = try form.required("sha")
        eventName = try form.required("event_name")
        actor = form["actor"] ?? "sigil-dev"
        actorID = form["actor_id"] ?? Self.stableID(actor)
        repositoryID = form["repository_id"] ?? Self.stableID(repository)
        repositoryOwnerID = form["repository_owner_id"] ?? Self.stableID(String(parts[0]))
        repositoryVisibility = form["repository_visibility"] ?? "public"
        runID = form["run_id"] ?? defaultRunID
        runNumber = form["run_number"] ?? "1"
        runAttempt = form["run_attempt"] ?? "1"
        runnerEnvironment = form["runner_environment"] ?? "github-hosted"
        environment = form["environment"]
        jobWorkflowRef = form["job_workflow_ref"]
        jobWorkflowSHA = form["job_workflow_sha"]
        headRef = form["head_ref"] ?? ""
        baseRef = form["base_ref"] ?? ""
    }

    /// A decimal ID derived from `name`: stable across runs, unlike a counter.
    static func stableID(_ name: String) -> String {
        let digest = Array(SHA256.hash(data: Array(name.utf8)))
        let value = digest.prefix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) } & 0x7fff_ffff
        return String(value)
    }
}

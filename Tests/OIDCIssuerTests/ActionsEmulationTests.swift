import Foundation
import HummingbirdTesting
import NIOCore
@testable import OIDCIssuer
import Testing
import WireFormat

@Suite struct ActionsEmulationTests {
    static let jobForm = "repository=octo-org/octo-repo&workflow=.github/workflows/release.yml&ref=refs/heads/main"
        + "&sha=0123456789abcdef0123456789abcdef01234567&event_name=push&run_id=42&actor=octocat"

    @Test func registeredJobGetsATokenWithTheFullGitHubClaimSet() async throws {
        let app = OIDCTestFixtures.app(OIDCTestFixtures.issuer())
        try await app.test(.live) { client in
            let credentials = try await client.execute(uri: "/actions/jobs", method: .post, headers: OIDCTestFixtures.formHeaders,
                                                       body: ByteBuffer(string: Self.jobForm)) { response in
                #expect(response.status == .ok)
                return try OIDCTestFixtures.json(response.body)
            }
            let url = try #require(credentials["ACTIONS_ID_TOKEN_REQUEST_URL"]?.stringValue)
            let bearer = try #require(credentials["ACTIONS_ID_TOKEN_REQUEST_TOKEN"]?.stringValue)
            // The runner is pointed back at the address it registered through (the test client's
            // `localhost`), not the issuer URL, which a host outside a container network cannot resolve.
            let components = try #require(URLComponents(string: url))
            #expect(components.scheme == "http" && components.host == "localhost" && components.path == "/actions/token")
            let path = components.path + "?" + (components.query ?? "") + "&audience=sigstore"
            try await client.execute(uri: path, method: .get, headers: [.authorization: "Bearer \(bearer)"]) { response in
                #expect(response.status == .ok)
                let token = try #require(try OIDCTestFixtures.json(response.body)["value"]?.stringValue)
                #expect(try OIDCTestFixtures.header(of: token)["alg"] == "RS256")
                let claims = try OIDCTestFixtures.claims(of: token)
                let expected: [String: JSONValue] = [
                    "iss": "http://127.0.0.1:5556/actions", "aud": "sigstore",
                    "sub": "repo:octo-org/octo-repo:ref:refs/heads/main",
                    "repository": "octo-org/octo-repo", "repository_owner": "octo-org",
                    "workflow": ".github/workflows/release.yml",
                    "workflow_ref": "octo-org/octo-repo/.github/workflows/release.yml@refs/heads/main",
                    "job_workflow_ref": "octo-org/octo-repo/.github/workflows/release.yml@refs/heads/main",
                    "sha": "0123456789abcdef0123456789abcdef01234567",
                    "workflow_sha": "0123456789abcdef0123456789abcdef01234567",
                    "job_workflow_sha": "0123456789abcdef0123456789abcdef01234567",
                    "ref": "refs/heads/main", "ref_type": "branch", "event_name": "push",
                    "run_id": "42", "run_number": "1", "run_attempt": "1",
                    "runner_environment": "github-hosted", "repository_visibility": "public", "actor": "octocat",
                ]
                for (name, value) in expected { #expect(claims[name] == value, "claim \(name)") }
                for name in ["repository_id", "repository_owner_id", "actor_id"] {
                    let id = try #require(claims[name]?.stringValue, "claim \(name) is a string")
                    #expect(Int(id) != nil)
                }
                for name in ["exp", "iat", "nbf"] { #expect(claims[name]?.integerValue != nil) }
                #expect(claims["jti"]?.stringValue != nil)
            }
        }
    }

    @Test func unknownRequestTokenIsUnauthorized() async throws {
        let app = OIDCTestFixtures.app(OIDCTestFixtures.issuer())
        try await app.test(.router) { client in
            try await client.execute(uri: "/actions/token?api-version=2.0&audience=sigstore", method: .get,
                                     headers: [.authorization: "Bearer nope"]) { response in
                #expect(response.status == .unauthorized)
            }
            try await client.execute(uri: "/actions/token?audience=sigstore", method: .get) { response in
                #expect(response.status == .unauthorized)
            }
        }
    }

    @Test func jobRegistrationRequiresTheCoreFields() async throws {
        let app = OIDCTestFixtures.app(OIDCTestFixtures.issuer())
        try await app.test(.live) { client in
            try await client.execute(uri: "/actions/jobs", method: .post, headers: OIDCTestFixtures.formHeaders,
                                     body: ByteBuffer(string: "repository=octo-org/octo-repo&workflow=w.yml")) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("ref"))
            }
        }
    }

    @Test func environmentAndTagShapeTheSubject() {
        var job = ActionsJob(
            repository: "o/r", workflowPath: "w.yml", workflowName: "W", ref: "refs/tags/v1", sha: "s", eventName: "push",
            actor: "a", actorID: "1", repositoryID: "2", repositoryOwnerID: "3", repositoryVisibility: "private",
            runID: "4", runNumber: "5", runAttempt: "6", runnerEnvironment: "self-hosted", environment: nil,
            jobWorkflowRef: nil, jobWorkflowSHA: nil, headRef: "", baseRef: "")
        #expect(job.subject == "repo:o/r:ref:refs/tags/v1")
        #expect(job.refType == "tag")
        job.environment = "prod:eu"
        #expect(job.subject == "repo:o/r:environment:prod%3Aeu")
        #expect(job.claims["environment"] == "prod:eu")
    }
}

import ArgumentParser

/// `sigil`: Sigil's client. Signs and verifies (as issues land) and audits the transparency log.
@main
struct Sigil: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sigil",
        abstract: "Sigil's client: sign, attest and verify files and OCI images; query, prove and monitor the transparency log.",
        discussion: """
            Example:
              sigil log info --log-url http://127.0.0.1:3000
            """,
        subcommands: [LogGroup.self, VerifyBundle.self, SignBlob.self, VerifyBlob.self, Attest.self, VerifyAttestation.self,
                      SignImage.self, AttestImage.self, VerifyImage.self, Tree.self, LifecycleGroup.self, PolicyGroup.self, Copy.self,
                      GenerateKeyPair.self, TrustInstance.self])
}

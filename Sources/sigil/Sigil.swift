import ArgumentParser

/// `sigil`: Sigil's client. Signs and verifies (as issues land) and audits the transparency log.
@main
struct Sigil: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sigil",
        abstract: "Sigil's client: query, prove and monitor a Sigil or Rekor v1 transparency log.",
        discussion: """
            Example:
              sigil log info --log-url http://127.0.0.1:3000
            """,
        subcommands: [LogGroup.self, VerifyBundle.self, SignBlob.self, VerifyBlob.self, GenerateKeyPair.self])
}

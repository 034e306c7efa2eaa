import ArgumentParser

/// `sigil-bench`: speed measurements (never run as timed unit tests). Build with `-c release`.
@main
struct SigilBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sigil-bench",
        abstract: "Measure Sigil's speed; run with `swift run -c release sigil-bench ...`.",
        subcommands: [LogBench.self, CABench.self, VerifyBench.self, TSABench.self])
}

/// `sigil-bench log ...`
struct LogBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Transparency log benchmarks.",
        discussion: """
            Examples:
              sigil-bench log storage --entries 200000 --batch 10000
              sigil-bench log proofs --sizes 10000,100000,1000000
              sigil-bench log http --duration 10 --connections 64
              sigil-bench log peer          # pymerkle 7.0.0, same workloads, same run
            """,
        subcommands: [StorageBench.self, ProofBench.self, HTTPBench.self, PeerBench.self, ExplorerFillBench.self])
}

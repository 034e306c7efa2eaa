import ArgumentParser

/// `sigil log ...`: auditor commands. Every proof the log hands out is verified here, not trusted.
struct LogGroup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Query, prove, monitor and audit a transparency log; every proof is verified locally.",
        subcommands: [LogInfo.self, LogGet.self, LogProof.self, LogConsistency.self, LogSearch.self,
                      LogMonitorCommand.self, LogAudit.self])
}

import Foundation
import Merkle
import SigstoreKit
import TestSupport
@testable import TransparencyLog

/// A fresh log: an SQLite file in a temporary folder, or on PostgreSQL a database created from
/// that file (see `TestStorage`).
struct TestLog {
    let directory = TemporaryDirectory()
    let key: SigningKey
    var configuration: LogConfiguration

    init(key: SigningKey = .generateP256(), configure: (inout LogConfiguration) -> Void = { _ in }) throws {
        self.key = key
        var configuration = LogConfiguration()
        configuration.name = "test-log"
        configure(&configuration)
        self.configuration = configuration
        _ = try LogService.createStore(path: databasePath, signingKey: key, name: configuration.name, treeID: 42)
    }

    var databasePath: String { directory.path("log.sqlite") }

    /// The log's store on the selected backend. `sequencing`: on PostgreSQL, it takes the sequencer
    /// lease, so it is the one that may write from now on (a reader must not, or it would fence
    /// the running service out).
    func openStore(sequencing: Bool = false) async throws -> any LogStore {
        try await TestStorage.openStore(templatePath: databasePath, log: "rekor", sequencing: sequencing)
    }

    func service(store: (any LogStore)? = nil, now: @escaping @Sendable () -> Date = { Date() }) async throws -> LogService {
        let opened: any LogStore = if let store { store } else { try await openStore(sequencing: true) }
        return try await LogService(store: opened, signingKey: key, configuration: configuration, now: now)
    }
}

/// A naive RFC 6962 root, for checking what the log computed.
func referenceRoot(_ leaves: ArraySlice<Hash>) -> Hash {
    if leaves.isEmpty { return RFC6962.emptyTreeHash }
    if leaves.count == 1 { return leaves.first! }
    var split = 1
    while split * 2 < leaves.count { split *= 2 }
    let mid = leaves.startIndex + split
    return RFC6962.nodeHash(referenceRoot(leaves[..<mid]), referenceRoot(leaves[mid...]))
}

import Foundation
import Merkle
import SigstoreKit
import TestSupport
@testable import TransparencyLog

/// A log over a fresh SQLite file in a temporary folder.
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

    func openStore() throws -> SQLiteLogStore { try SQLiteLogStore.open(path: databasePath) }

    func service(store: (any LogStore)? = nil, now: @escaping @Sendable () -> Date = { Date() }) async throws -> LogService {
        try await LogService(store: store ?? openStore(), signingKey: key, configuration: configuration, now: now)
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

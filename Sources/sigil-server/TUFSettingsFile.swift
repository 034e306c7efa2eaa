import Foundation
import SigstoreKit
import TransparencyLog

/// The TUF roles file `init` copies into a new data folder: `--tuf-config FILE`, else the
/// repository's checked-in `tuf/roles.json` when run from a checkout, else the built-in standard
/// settings (the same as the checked-in file), written readably.
enum TUFSettingsFile {
    static let checkedIn = "tuf/roles.json"

    static func text(option: String?) throws -> [UInt8] {
        let path = option ?? checkedIn
        // Through a file handle: `--tuf-config <(…)` gives a pipe, which `contents(atPath:)` cannot read.
        guard let data = FileHandle(forReadingAtPath: path).flatMap({ try? $0.readToEnd() ?? Data() }) else {
            guard option == nil else { throw ServerError("--tuf-config \(path): cannot read the file (see tuf/README.md)") }
            return ReadableJSON.encode(TUFRoleSettings.standard.json)
        }
        do { _ = try TUFRoleSettings(parsing: Array(data)) } catch {
            throw ServerError("--tuf-config \(path): \(error.message) (see tuf/README.md)")
        }
        return Array(data)
    }
}

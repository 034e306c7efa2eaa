import Foundation
import SigstoreKit
import TransparencyLog

/// Publishing the data folder's trust files through its TUF repository after they change.
enum TUFPublication {
    /// Publishes the current trust files as new targets. A rotation has already succeeded when this
    /// runs, so a repository that cannot sign (its targets key kept offline) is reported with the
    /// command that finishes the job, not turned into a failure of the rotation.
    static func publish(_ folder: DataFolder, extraKeys: [SigningKey] = []) {
        guard folder.hasTUF else {
            print("No TUF repository in \(folder.tufDirectory.path): `sigil-server tuf init --data \(folder.root.path)` adds one")
            return
        }
        do throws(TUFError) {
            let repository = folder.tufRepository(extraKeys: extraKeys)
            if try repository.publish(files: { try folder.tufTargets() }) {
                print("Published through TUF: targets version \(try repository.state().targets.version) at <log URL>/tuf")
            }
        } catch {
            print("warning: the new trust files are not yet published through TUF: \(error.message)")
            print("  publish them with: sigil-server tuf publish --data \(folder.root.path) --tuf-key TARGETS-KEY.pem")
        }
    }
}

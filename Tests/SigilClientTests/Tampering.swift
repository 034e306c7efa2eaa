import Foundation
import Merkle
import SigstoreKit

/// Ways to damage a valid bundle, each aimed at one verification step.
enum Tampering {
    static func flipSignature(_ bundle: SigstoreBundle) -> SigstoreBundle {
        var copy = bundle
        guard case .messageSignature(let digest, var signature) = bundle.content else { return bundle }
        signature[signature.count / 2] ^= 0x01
        copy.content = .messageSignature(digest: digest, signature: signature)
        return copy
    }

    static func editEntry(_ bundle: SigstoreBundle, _ edit: (inout BundleLogEntry) -> Void) -> SigstoreBundle {
        var copy = bundle
        edit(&copy.verificationMaterial.tlogEntries[0])
        return copy
    }

    static func flipProofHash(_ bundle: SigstoreBundle) -> SigstoreBundle {
        editEntry(bundle) { entry in
            if entry.inclusionProof!.hashes.isEmpty { entry.inclusionProof!.rootHash[0] ^= 0x01 } else { entry.inclusionProof!.hashes[0][0] ^= 0x01 }
        }
    }

    static func flipSET(_ bundle: SigstoreBundle) -> SigstoreBundle {
        editEntry(bundle) { entry in entry.inclusionPromise![8] ^= 0x01 }
    }

    /// Re-signs the entry's checkpoint body with `key` under the same name.
    static func resignCheckpoint(_ bundle: SigstoreBundle, with key: SigningKey) throws -> SigstoreBundle {
        let text = bundle.verificationMaterial.tlogEntries[0].inclusionProof!.checkpoint!
        guard let split = text.range(of: "\n\n") else { throw TestFailure("checkpoint without a blank line") }
        let body = String(text[..<split.lowerBound]) + "\n"
        let checkpoint = try Checkpoint(parsing: body)
        let name = String(text[split.upperBound...].dropFirst(2).prefix { $0 != " " })
        let forged = try SignedCheckpoint.sign(checkpoint, signers: [LogKeyNoteSigner(name: name, key: key)])
        return editEntry(bundle) { entry in entry.inclusionProof!.checkpoint = forged.formatted }
    }
}

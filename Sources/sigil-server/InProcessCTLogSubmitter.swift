import CertificateAuthority
import SigstoreKit
import TransparencyLog
import X509

/// Hands precertificates to the CT log that runs in the same process (`sigil-server all`). The log
/// validates the chain, commits the entry durably and signs the SCT exactly as for `add-pre-chain`
/// over HTTP; only the request encoding and the loopback round trip are left out.
struct InProcessCTLogSubmitter: CTLogSubmitter {
    let log: CTLogService

    func submitPrecertificate(chain: [[UInt8]]) async throws -> SignedCertificateTimestamp {
        try await log.addPreChain(chain)
    }

    /// The CA serialised `chain[0]` from `precertificate` a moment ago, in this process: the log
    /// checks the parsed form (poison, issuer, signature) without parsing those bytes again.
    func submitPrecertificate(_ precertificate: Certificate, chain: [[UInt8]]) async throws -> SignedCertificateTimestamp {
        try await log.addPreChain(chain, parsedPrecertificate: precertificate)
    }
}

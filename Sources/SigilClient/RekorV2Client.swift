import Crypto
import Foundation
import SigstoreKit
import SwiftASN1
import WireFormat

/// A client of a Rekor v2 log's write API (rekor-tiles): `POST {base}/api/v2/log/entries` with a
/// `hashedRekordRequestV002` (or, for DSSE envelopes, a `dsseRequestV002`), answered by a
/// protobuf-JSON `TransparencyLogEntry` (no inclusion promise, no integrated time). The answer is
/// only transported here; the signer checks it by verifying the finished bundle against the trusted
/// root (inclusion proof, checkpoint key).
public struct RekorV2Client: Sendable {
    let transport: HTTPTransport

    /// `baseURL` is the v2 log's base, e.g. `http://127.0.0.1:3000/rekor-v2`.
    public init(baseURL: String) {
        transport = HTTPTransport(baseURL: baseURL)
    }

    public var baseURL: String { transport.baseURL }

    /// Posts `entry` and returns the log's `TransparencyLogEntry` (201; a duplicate is an error,
    /// since v2 answers a 409 without the entry).
    public func add(_ entry: HashedRekordV002) async throws -> BundleLogEntry {
        try await post(entry.requestJSON)
    }

    /// Posts a one-signature DSSE envelope as a `dsseRequestV002`, so the log can index its in-toto
    /// subjects; the log records `entry`, the hashedrekord over the envelope's PAE. A log that does
    /// not take envelopes (rekor-tiles v2.3 answers 400) or not one this large (413: the request
    /// carries the whole payload) is sent `entry` itself, once; `envelopeRefusal` then says why,
    /// since the log has not indexed the statement's subjects.
    public func add(envelope: DSSEEnvelope, loggedAs entry: HashedRekordV002) async throws -> (entry: BundleLogEntry, envelopeRefusal: String?) {
        let logged: BundleLogEntry
        do {
            logged = try await post(RekorV2EntryRequest.dsseRequestJSON(envelope: envelope, loggedAs: entry))
        } catch let refusal as ClientError where refusal.status == 400 || refusal.status == 413 {
            do { return (try await add(entry), refusal.description) } catch {
                throw ClientError("\(error) (the envelope form was refused first: \(refusal.description))", status: (error as? ClientError)?.status)
            }
        }
        // rekor-tiles v2.0–v2.2 record an envelope as a dsse 0.0.2 entry, which verifiers such as
        // sigstore-python 4.5.1 refuse; say so rather than report a mismatched body.
        guard logged.kind.isExactly(HashedRekordV002.kind), logged.version.isExactly(HashedRekordV002.apiVersion) else {
            throw ClientError("\(RequestURL.redacted(baseURL)) recorded the envelope as a \(logged.kind) \(logged.version) entry (index \(logged.logIndex)), not as the hashedrekord 0.0.2 over its PAE that bundles carry (a rekor-tiles v2.0–v2.2 log does this); sign again with --rekor-v2-attestation hashedrekord")
        }
        return (logged, nil)
    }

    private func post(_ request: JSONValue) async throws -> BundleLogEntry {
        let path = "/api/v2/log/entries"
        let answer = try await transport.send(.POST, path, body: CanonicalJSON.encode(request))
        guard (200..<300).contains(answer.status) else { throw HTTPTransport.failure(answer, path: path) }
        do { return try BundleLogEntry(parsing: answer.body) } catch {
            throw ClientError("\(RequestURL.redacted(baseURL))\(path) answered something that is not a TransparencyLogEntry: \(error.message)", status: answer.status)
        }
    }
}

/// A client of an RFC 3161 timestamp authority (Sigstore's timestamp-authority API): posts a DER
/// `TimeStampReq` (`application/timestamp-query`) to the full endpoint URL, as sigstore-python does,
/// and returns the DER `TimeStampResp`.
public struct TimestampClient: Sendable {
    let transport: HTTPTransport

    /// `url` is the full endpoint, e.g. `http://127.0.0.1:5557/api/v1/timestamp`.
    public init(url: String) {
        transport = HTTPTransport(baseURL: url)
    }

    public var url: String { transport.baseURL }

    /// A timestamp over `signature`: SHA-256 imprint, a random 8-byte nonce, the TSA's certificate requested.
    public func timestamp(signature: [UInt8]) async throws -> [UInt8] {
        var nonce = (0..<8).map { _ in UInt8.random(in: 0...255) }
        nonce[0] &= 0x7f
        let request = try TimeStampRequest(hashAlgorithm: .sha256, hashedMessage: Array(SHA256.hash(data: signature)),
                                           nonce: nonce, certificateRequested: true)
        let answer = try await transport.send(.POST, "", body: request.derEncoded(), contentType: "application/timestamp-query")
        guard answer.status == 200 || answer.status == 201 else { throw HTTPTransport.failure(answer, path: "") }
        return answer.body
    }
}

/// Where a session logs when it signs through Rekor v2: the v2 log and the TSA that supplies the
/// signing time a v2 entry does not carry.
public struct RekorV2Route: Sendable {
    public let log: RekorV2Client
    public let timestampAuthority: TimestampClient
    /// Whether DSSE envelopes go to the log whole (`dsseRequestV002`, so a Sigil log indexes their
    /// subjects) or only as the hashedrekord over their PAE (the log never sees the statement).
    public let sendsEnvelopes: Bool

    public init(log: RekorV2Client, timestampAuthority: TimestampClient, sendsEnvelopes: Bool = true) {
        self.log = log
        self.timestampAuthority = timestampAuthority
        self.sendsEnvelopes = sendsEnvelopes
    }
}

extension SigningSession {
    /// Rekor v2 signing: timestamp the signature at the TSA (checked against the trusted root's
    /// TSAs), log a hashedrekord 0.0.2 over the artifact digest (DSSE: the envelope, which the log
    /// records as the hashedrekord over its PAE), and build a v0.3 bundle with the RFC 3161
    /// timestamp and the v2 entry.
    func signThroughRekorV2(_ payload: SigningPayload, route: RekorV2Route) async throws(SigningError) -> SigningResult {
        let artifact = try payload.artifact
        let (_, content) = try payload.signed(with: key, verifierPEM: verifierPEM)
        let signature = content.signatureBytes
        let digest: [UInt8]
        var envelope: DSSEEnvelope?
        switch content {
        case .messageSignature(let signed, _):
            guard let signed else { throw SigningError(.signature, "the message signature has no digest") }
            digest = signed.bytes
        case .dsseEnvelope(let signedEnvelope):
            envelope = signedEnvelope
            digest = Array(SHA256.hash(data: signedEnvelope.preAuthenticationEncoding))
        }
        let verifier: HashedRekordV002.Verifier
        do {
            let pem = try PEMDocument(pemString: verifierPEM)
            verifier = pem.discriminator == "CERTIFICATE" ? .x509Certificate(der: pem.derBytes) : .publicKey(der: pem.derBytes)
        } catch {
            throw SigningError(.key, "the verifier PEM does not parse: \(error)")
        }
        let entry: HashedRekordV002
        do { entry = try HashedRekordV002(digest: digest, signature: signature, verifier: verifier, keyDetails: .ecdsaP256SHA256) } catch {
            throw SigningError(.upload, "could not build the Rekor v2 request: \(error)")
        }
        let timestamp: [UInt8]
        do { timestamp = try await route.timestampAuthority.timestamp(signature: signature) } catch {
            throw SigningError(.upload, "timestamp authority \(route.timestampAuthority.url): \(error)")
        }
        let signedTime: Date
        do {
            signedTime = try await TimestampVerifier.verify(response: timestamp, signature: signature, authorities: trustedRoot.timestampAuthorities)
        } catch {
            throw SigningError(.logEntry, "the timestamp from \(route.timestampAuthority.url) does not verify against the trusted root: \(error)")
        }
        let logged: BundleLogEntry
        var notices: [String] = []
        do {
            if let envelope, route.sendsEnvelopes {
                let answer = try await route.log.add(envelope: envelope, loggedAs: entry)
                logged = answer.entry
                if let refusal = answer.envelopeRefusal {
                    notices.append("the Rekor v2 log refused the envelope (\(refusal)); the attestation was logged as the hashedrekord over its PAE, so the log has not indexed its subjects and a search by the artifact will not find it")
                }
            } else {
                logged = try await route.log.add(entry)
            }
        } catch {
            throw SigningError(.upload, "\(error)")
        }
        guard trustedRoot.tlogs.contains(where: { $0.logID == logged.logID && $0.key != nil }) else {
            throw SigningError(.logEntry, "the Rekor v2 log answered as log \(LowercaseHex.encode(logged.logID)), which is not a transparency log of the trusted root")
        }
        guard logged.canonicalizedBody == entry.canonicalBody else {
            throw SigningError(.logEntry, "the Rekor v2 log logged a body other than the one submitted")
        }
        let bundle = SigstoreBundle(verificationMaterial: VerificationMaterial(signer: bundleSigner, tlogEntries: [logged],
                                                                               rfc3161Timestamps: [timestamp]),
                                    content: content)
        try await SelfVerification.verify(bundle, artifact: artifact, signer: selfCheck, trustedRoot: trustedRoot)
        return SigningResult(bundle: bundle, identity: identity, logIndex: logged.logIndex, integratedTime: logged.integratedTime,
                             timestamp: signedTime, notices: notices)
    }
}

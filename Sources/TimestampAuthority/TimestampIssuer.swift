import Foundation
import SigstoreKit

/// The TSA behind the HTTP routes: a request's bytes in, a DER `TimeStampResp` out. Parsing and
/// signing are SigstoreKit's (``TimeStampRequest``, ``TimestampSigner``); this adds the clock, the
/// size limit and the metrics.
public struct TimestampIssuer: Sendable {
    public struct Options: Sendable {
        /// Largest request body; a DER TimeStampReq is about 100 bytes, the JSON form a little more.
        public var maxRequestBytes = 4096
        public var now: @Sendable () -> Date = { Date() }
        public init() {}
    }

    public let signer: TimestampSigner
    public let options: Options
    let metrics: TimestampMetrics
    /// `GET /api/v1/timestamp/certchain`, encoded once.
    let chainPEM: String

    public init(signer: TimestampSigner, metrics: TimestampMetrics = TimestampMetrics(), options: Options = .init()) {
        self.signer = signer
        self.metrics = metrics
        self.options = options
        chainPEM = signer.chainPEM()
    }

    /// The request forms the API takes.
    public enum RequestForm: Sendable {
        /// `application/timestamp-query`: a DER TimeStampReq.
        case der
        /// `application/json`: Sigstore's JSON form.
        case json
    }

    /// A granted DER `TimeStampResp` for `body`, or the refusal (counted, never logged with its input).
    public func timestamp(_ body: [UInt8], form: RequestForm) throws(TimestampServiceError) -> [UInt8] {
        do throws(TimestampServiceError) {
            let request: TimeStampRequest
            switch form {
            case .der:
                do { request = try TimeStampRequest(derEncoded: body) } catch { throw TimestampServiceError.request(error) }
            case .json:
                request = try TimestampJSONRequest.parse(body)
            }
            let response: [UInt8]
            do { response = try signer.respond(to: request, at: options.now()) } catch { throw TimestampServiceError.request(error) }
            metrics.issued.increment()
            return response
        } catch {
            metrics.record(error)
            throw error
        }
    }

    func refused(_ error: TimestampServiceError) {
        metrics.record(error)
    }
}

import Dispatch
import Hummingbird
import Logging

/// Logs one structured line per request once its handler has answered: method, route pattern,
/// path, status, duration and body sizes.
///
/// It never logs headers, query strings or bodies: those carry identity tokens (the CA's
/// `signingCert` request, the Actions request token) and keys. The path is logged only when it
/// matched a route: an unmatched path is whatever a client typed, token included.
public struct RequestLogMiddleware<Context: RequestContext>: RouterMiddleware {
    private let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = DispatchTime.now().uptimeNanoseconds
        do {
            let response = try await next(request, context)
            logger.info("request", metadata: Self.fields(request, route: Self.route(context),
                                                         status: response.status.code, start: start,
                                                         bytesOut: response.body.contentLength))
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            logger.info("request", metadata: Self.fields(request, route: Self.route(context), status: status,
                                                         start: start, bytesOut: nil))
            throw error
        }
    }

    /// The matched route pattern, or `unmatched` (Hummingbird names its not-found responder `NotFound`).
    private static func route(_ context: Context) -> String {
        guard let path = context.endpointPath, path != "NotFound" else { return unmatched }
        return path
    }

    private static func fields(_ request: Request, route: String, status: Int, start: UInt64, bytesOut: Int?) -> Logger.Metadata {
        var fields: Logger.Metadata = [
            "method": "\(request.method.rawValue)",
            "route": "\(route)",
            "status": .stringConvertible(status),
            "durationMs": .stringConvertible(Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000_000),
        ]
        if route != unmatched { fields["path"] = "\(request.uri.path)" }
        if let length = request.headers[.contentLength].flatMap({ Int($0) }) { fields["bytesIn"] = .stringConvertible(length) }
        if let bytesOut { fields["bytesOut"] = .stringConvertible(bytesOut) }
        return fields
    }
}

private let unmatched = "unmatched"

import Hummingbird
import Logging
import NIOHTTP1
import WireFormat

/// Makes every error leave as ``JSONErrorBody``, so a client reads the same error shape whatever
/// failed: Hummingbird's own errors (an unknown path's 404, an oversized body's 413) keep their
/// status with the JSON body they lack, and an error no route mapped to a status answers 500
/// `internal error`, where Hummingbird would send an empty body. A request body the HTTP parser
/// refused (one that ends before its `Content-Length`) is the client's error: 400.
///
/// The error is logged by type only: its text may quote the request, and requests carry tokens.
public struct InternalErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    private let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as any JSONResponseError {
            throw error
        } catch let error as HTTPError {
            // Hummingbird's own (an unknown path's 404, a handler's `HTTPError`) carry no JSON body.
            return JSONReply.error(status: error.status, message: error.body ?? error.status.reasonPhrase, headers: error.headers)
        } catch let error as any HTTPResponseError {
            // The rest of Hummingbird's (an oversized body's 413) likewise; its status stands.
            return JSONReply.error(status: error.status, message: error.status.reasonPhrase)
        } catch let error as HTTPParserError {
            // The request's bytes after its head broke the HTTP grammar, most often a body that ended
            // (the client closed its side) before its Content-Length: the client's error, not ours.
            return JSONReply.error(status: .badRequest, message: Self.explain(error))
        } catch {
            logger.error("request failed", metadata: ["reason": .string("\(type(of: error))")])
            return JSONReply.error(status: .internalServerError, message: "internal error")
        }
    }

    /// What a client is told about a body the HTTP parser refused.
    static func explain(_ error: HTTPParserError) -> String {
        switch error {
        case .invalidEOFState: "malformed HTTP request: the body ended before the length its head announced"
        case .invalidChunkSize: "malformed HTTP request: bad chunked body"
        default: "malformed HTTP request body"
        }
    }
}

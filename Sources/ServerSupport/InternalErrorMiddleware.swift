import Hummingbird
import Logging
import WireFormat

/// Answers an error that no route mapped to a status (anything that is not an `HTTPResponseError`)
/// with 500 and ``JSONErrorBody`` `internal error`, where Hummingbird would send an empty 500, so a
/// client reads the same error shape whatever failed.
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
        } catch let error as any HTTPResponseError {
            throw error
        } catch {
            logger.error("request failed", metadata: ["reason": .string("\(type(of: error))")])
            return JSONReply.error(status: .internalServerError, message: "internal error")
        }
    }
}

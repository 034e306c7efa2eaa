import AsyncHTTPClient
import NIOCore
import SigstoreKit

/// Fetches repository files over HTTP(S) from an instance URL, reading at most the length limit
/// the updater gives, so a repository that streams without end is cut off (endless data).
public struct HTTPTUFFetcher: TUFFetcher {
    public let baseURL: String

    public init(instance: String) {
        var url = Substring(instance)
        while url.utf8.last == UInt8(ascii: "/") { url = url.dropLast() }
        baseURL = String(url)
    }

    public func fetch(_ path: String, maxLength: Int) async throws(TUFError) -> [UInt8]? {
        if let problem = RequestURL.problem(baseURL + "/" + path) { throw TUFError(.unavailable, problem) }
        var request = HTTPClientRequest(url: baseURL + "/" + path)
        request.headers.add(name: "User-Agent", value: "sigil")
        do {
            // The shared client is made on first use: `--offline` never starts its event loops.
            let response = try await CheckedRedirects.execute(request, on: FailFastHTTPClient.shared, timeout: .seconds(30))
            switch response.status.code {
            case 200:
                if let declared = response.headers.first(name: "Content-Length").flatMap(Int.init), declared > maxLength {
                    throw TUFError(.tooLarge, "\(path): the repository offers \(declared) bytes, more than the \(maxLength)-byte limit")
                }
                do {
                    return Array(try await response.body.collect(upTo: maxLength).readableBytesView)
                } catch is NIOTooManyBytesError {
                    throw TUFError(.tooLarge, "\(path): more than the \(maxLength)-byte limit")
                }
            case 403, 404:
                return nil
            default:
                throw TUFError(.unavailable, "\(RequestURL.redacted(baseURL))/\(path) answered HTTP \(response.status.code)")
            }
        } catch let error as TUFError {
            throw error
        } catch {
            throw TUFError(.unavailable, ConnectionFailure.message(for: error, server: baseURL, path: "/" + path))
        }
    }
}

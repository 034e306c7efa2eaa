import AsyncHTTPClient
import Foundation
import NIOCore
import WireFormat

/// Requests whose redirects the client follows itself, each hop's URL checked by
/// ``RequestURL/problem(_:)`` first: AsyncHTTPClient's own following would hand a `Location` with
/// port 70000 (from a TUF mirror, a log, or anyone on a plain-HTTP path) straight to NIO, which
/// traps. Methods change as AsyncHTTPClient changes them (301, 302 and 303 turn a POST into a GET
/// without its body), and credentials are not sent on to another origin.
enum CheckedRedirects {
    static let maximum = 5

    static func execute(_ first: HTTPClientRequest, on client: HTTPClient, timeout: TimeAmount) async throws -> HTTPClientResponse {
        var request = first
        for _ in 0...maximum {
            if let problem = RequestURL.problem(request.url) { throw ClientError(problem) }
            let response = try await client.execute(request, timeout: timeout)
            let status = response.status.code
            guard [301, 302, 303, 307, 308].contains(status), let location = response.headers.first(name: "Location") else {
                return response
            }
            _ = try? await response.body.collect(upTo: 1 << 20)
            guard let current = URL(string: request.url), let next = URL(string: location, relativeTo: current)?.absoluteURL,
                  ["http", "https"].contains(next.scheme?.lowercased() ?? "") else {
                throw ClientError("\(RequestURL.redacted(request.url)) redirected (HTTP \(status)) to \(UntrustedText.quoted(RequestURL.redacted(location))), not an http(s) URL")
            }
            if status <= 303, request.method != .GET, request.method != .HEAD {
                request.method = .GET
                request.body = nil
                request.headers.remove(name: "Content-Type")
            }
            // Origins compared as bytes: a look-alike host is another host.
            if !origin(of: current).isExactly(origin(of: next)) {
                request.headers.remove(name: "Authorization")
            }
            request.url = next.absoluteString
        }
        throw ClientError("\(RequestURL.redacted(first.url)) redirected more than \(maximum) times")
    }

    /// `scheme://host:port`, scheme and host in ASCII lower case.
    private static func origin(of url: URL) -> String {
        "\((url.scheme ?? "").asciiLowercased)://\((url.host ?? "").asciiLowercased):\(url.port.map(String.init) ?? "")"
    }
}

import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import WireFormat

/// Minimal JSON-over-HTTP plumbing shared by the service clients. Answers larger than `maxResponse`
/// are refused rather than buffered, and timeouts are bounded so a hung server cannot hang a CLI.
struct HTTPTransport: Sendable {
    let baseURL: String
    let client: HTTPClient
    var timeout: TimeAmount = .seconds(30)
    var maxResponse = 64 << 20

    init(baseURL: String, client: HTTPClient = FailFastHTTPClient.shared) {
        var url = baseURL
        while url.hasSuffix("/") { url.removeLast() }
        self.baseURL = url
        self.client = client
    }

    struct Answer {
        let status: Int
        let body: [UInt8]
        let headers: HTTPHeaders
    }

    func send(_ method: HTTPMethod, _ path: String, body: [UInt8]? = nil, contentType: String = "application/json",
              headers extra: [(String, String)] = []) async throws -> Answer {
        if let problem = RequestURL.problem(baseURL + path) { throw ClientError(problem) }
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "sigil")
        for (name, value) in extra { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        do {
            let response = try await CheckedRedirects.execute(request, on: client, timeout: timeout)
            let buffer = try await response.body.collect(upTo: maxResponse)
            return Answer(status: Int(response.status.code), body: Array(buffer.readableBytesView), headers: response.headers)
        } catch let error as ClientError {
            throw error
        } catch {
            throw ClientError(ConnectionFailure.message(for: error, server: baseURL, path: path))
        }
    }

    /// Decodes a 2xx JSON answer, or throws naming the server's message.
    ///
    /// The answer passes the strict parser first (duplicate and look-alike member names, invalid
    /// UTF-8 and deep nesting are refused), as every JSON text Sigil reads from outside does;
    /// `Codable` then only maps it onto the `RekorAPI` envelopes, whose values the callers check
    /// (``LogEntryVerification``, ``BundleWriter``, proof verification).
    func decode<T: Decodable>(_ type: T.Type, from answer: Answer, path: String) throws -> T {
        guard (200..<300).contains(answer.status) else { throw Self.failure(answer, path: path) }
        do {
            _ = try JSONValue(parsing: answer.body)
            return try JSONDecoder().decode(T.self, from: Data(answer.body))
        } catch {
            throw ClientError("\(RequestURL.redacted(baseURL))\(path) answered something that is not the expected JSON: \(error)", status: answer.status)
        }
    }

    static func failure(_ answer: Answer, path: String) -> ClientError {
        struct Message: Decodable { let message: String }
        let message = (try? JSONDecoder().decode(Message.self, from: Data(answer.body)))?.message
            ?? String(decoding: answer.body.prefix(200), as: UTF8.self)
        return ClientError("\(path) failed with HTTP \(answer.status): \(message)", status: answer.status)
    }
}

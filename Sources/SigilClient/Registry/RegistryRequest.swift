import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import WireFormat

/// One request of the registry API, as `RegistryClient` sends it (authenticating and following
/// redirects as needed), with the access it needs and how messages name it.
struct RegistryRequest: Sendable {
    var method: HTTPMethod
    /// An API path (`/v2/<name>/…`), or an absolute URL the registry gave (an upload location).
    var target: String
    var headers: [(String, String)] = []
    /// Held in memory so the request can be sent again after an authentication challenge.
    var body: [UInt8]?
    var scopes: [RegistryScope]
    /// What the request is about, for messages: `manifest sha256:…`, `blob upload`.
    var subject: String
    /// Set on a request other than `GET` or `HEAD` whose repetition changes nothing (a
    /// manifest `PUT` by digest: the same bytes under the same name).
    var repeatsSafely = false

    /// Whether sending the request twice has the effect of sending it once, so a transient
    /// failure may be answered by sending it again. An upload's `POST`, `PATCH` and commit
    /// `PUT` are not: each moves a session on.
    var isRepeatable: Bool { method == .GET || method == .HEAD || repeatsSafely }
}

/// A registry's answer whose body has not been read: a blob being streamed.
struct RegistryStreamingResponse: Sendable {
    let status: Int
    let headers: HTTPHeaders
    let body: HTTPClientResponse.Body
    /// The URL that answered, after redirects: relative `Location`s resolve against it.
    let url: String
}

/// A registry's answer with its body read (bounded).
struct RegistryResponse: Sendable {
    let status: Int
    let headers: HTTPHeaders
    let body: [UInt8]
    let url: String

    /// A header's first value.
    func header(_ name: String) -> String? { headers.first(name: name) }

    /// `Content-Length` as a non-negative integer, if present and well formed.
    var contentLength: Int64? {
        guard let text = header("Content-Length"), !text.isEmpty,
              text.utf8.allSatisfy(\.isASCIIDigit) else { return nil }
        return Int64(text)
    }
}

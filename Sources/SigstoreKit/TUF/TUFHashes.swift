import Crypto
import WireFormat

/// The `length` and `hashes` that metadata records for a file it refers to, and the check that
/// bytes downloaded are those bytes. `sha256` and `sha512` are understood; any other algorithm
/// listed makes the check fail rather than be skipped, since an unchecked hash protects nothing.
public struct TUFHashes: Sendable, Equatable {
    public let length: Int?
    /// Algorithm name → digest, in the order listed (consistent-snapshot paths use the first).
    public let digests: [(algorithm: String, digest: [UInt8])]

    public init(length: Int?, digests: [(algorithm: String, digest: [UInt8])]) {
        self.length = length
        self.digests = digests
    }

    /// Reads `length` and `hashes` from a `meta` or `targets` entry; `requireHashes` for targets.
    init(json: JSONValue, name: String, requireLength: Bool) throws(TUFError) {
        if let value = json["length"] {
            guard let length = value.integerValue, length >= 0 else { throw TUFError(.malformed, "\(name): length must be a non-negative integer") }
            self.length = Int(length)
        } else {
            guard !requireLength else { throw TUFError(.malformed, "\(name): length is missing") }
            self.length = nil
        }
        var digests: [(String, [UInt8])] = []
        if let value = json["hashes"] {
            guard let members = value.objectValue, !members.isEmpty else { throw TUFError(.malformed, "\(name): hashes must be a non-empty object") }
            // SHA-256 first (the hash consistent-snapshot paths use, as every Sigstore repository
            // lists it), then the rest in byte order: the parsed object keeps no order of its own.
            let names = members.keys.sorted { a, b in
                a.isExactly("sha256") || (!b.isExactly("sha256") && a.utf8.lexicographicallyPrecedes(b.utf8))
            }
            for algorithm in names {
                guard let hex = members[algorithm]?.stringValue, let digest = LowercaseHex.decode(hex), !digest.isEmpty else {
                    throw TUFError(.malformed, "\(name): hashes.\(algorithm) is not lowercase hex")
                }
                digests.append((algorithm, digest))
            }
        } else if requireLength {
            throw TUFError(.malformed, "\(name): hashes are missing")
        }
        self.digests = digests
    }

    /// The `length` and `hashes` members for `bytes` (SHA-256), as the repository writes them.
    public static func of(_ bytes: [UInt8]) -> TUFHashes {
        TUFHashes(length: bytes.count, digests: [("sha256", Array(SHA256.hash(data: bytes)))])
    }

    /// Fails unless `bytes` have the recorded length and every recorded hash.
    public func check(_ bytes: [UInt8], name: String) throws(TUFError) {
        if let length, bytes.count != length {
            throw TUFError(.mismatch, "\(name): \(bytes.count) bytes where \(length) were recorded")
        }
        for (algorithm, digest) in digests {
            let actual: [UInt8]
            if algorithm.isExactly("sha256") {
                actual = Array(SHA256.hash(data: bytes))
            } else if algorithm.isExactly("sha512") {
                actual = Array(SHA512.hash(data: bytes))
            } else {
                throw TUFError(.mismatch, "\(name): hash algorithm \"\(algorithm)\" is not supported")
            }
            guard actual == digest else {
                throw TUFError(.mismatch, "\(name): \(algorithm) is \(LowercaseHex.encode(actual)), not the recorded \(LowercaseHex.encode(digest))")
            }
        }
    }

    /// The `length`/`hashes` members as JSON.
    public var jsonMembers: [String: JSONValue] {
        var members: [String: JSONValue] = [:]
        if let length { members["length"] = .integer(Int64(length)) }
        if !digests.isEmpty {
            members["hashes"] = .object(Dictionary(uniqueKeysWithValues: digests.map { ($0.algorithm, JSONValue.string(LowercaseHex.encode($0.digest))) }))
        }
        return members
    }

    public static func == (a: TUFHashes, b: TUFHashes) -> Bool {
        a.length == b.length && a.digests.count == b.digests.count
            && zip(a.digests, b.digests).allSatisfy { Array($0.algorithm.utf8) == Array($1.algorithm.utf8) && $0.digest == $1.digest }
    }
}

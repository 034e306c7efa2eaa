import WireFormat

/// The error body of a registry answer (distribution-spec §Error Codes):
/// `{"errors":[{"code":"NAME_UNKNOWN","message":"…","detail":…}]}`, read leniently (it only
/// explains a failure) and always escaped and cut before it reaches a message.
struct RegistryErrorBody: Sendable {
    struct Entry: Sendable {
        let code: String
        let message: String
    }

    let entries: [Entry]
    /// The body's start as text, when it is not the JSON above.
    let text: String?

    /// At most this many entries and characters are echoed.
    static let maximumEntries = 4
    static let maximumText = 200

    init(_ body: [UInt8]) {
        if let json = try? JSONValue(parsing: body), let list = json["errors"]?.arrayValue {
            entries = list.compactMap { entry in
                guard let code = entry["code"]?.stringValue else { return nil }
                return Entry(code: code, message: entry["message"]?.stringValue ?? "")
            }
            text = nil
        } else {
            entries = []
            let start = String(decoding: body.prefix(Self.maximumText * 4), as: UTF8.self)
            text = start.utf8.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) ? nil : start
        }
    }

    private init(entries: [Entry], text: String?) {
        self.entries = entries
        self.text = text
    }

    /// The same body with every secret replaced, before anything is escaped or cut: an escaped
    /// or truncated secret would no longer match.
    func redacting(_ secrets: [String]) -> RegistryErrorBody {
        func redact(_ value: String) -> String {
            secrets.filter { !$0.isEmpty }.reduce(value) { $0.replacingExactly($1, with: "(redacted)") }
        }
        return RegistryErrorBody(entries: entries.map { Entry(code: redact($0.code), message: redact($0.message)) }, text: text.map(redact))
    }

    func has(_ code: String) -> Bool { entries.contains { $0.code.isExactly(code) } }

    /// `CODE: message; CODE: message`, each part escaped and cut; empty when the body said nothing.
    var summary: String {
        if let text { return UntrustedText.quoted(text, limit: Self.maximumText) }
        return entries.prefix(Self.maximumEntries).map { entry in
            let code = UntrustedText.escaped(entry.code, limit: 64)
            return entry.message.isEmpty ? code : "\(code): \(UntrustedText.quoted(entry.message, limit: Self.maximumText))"
        }.joined(separator: "; ")
    }
}

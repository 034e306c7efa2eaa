import WireFormat

/// Who the person at the sign-in page says they are: an email address, and optionally a subject
/// (the email by default). The development issuer believes them, so the checks are about shape:
/// an `addr-spec`-like `local@domain` of printable ASCII without the characters that would be
/// markup or quoting anywhere the identity is later shown, and bounded lengths.
public struct SignInIdentity: Sendable, Equatable {
    public let email: String
    public let subject: String

    /// RFC 5321 §4.5.3.1.3: a path is at most 256 octets, so an address at most 254.
    public static let maxEmailLength = 254
    public static let maxSubjectLength = 255

    init(_ form: FormFields) throws(AuthorizationError) {
        guard let email = form["email"] else { throw .missingParameter("email") }
        guard email.utf8.count <= Self.maxEmailLength else { throw .tooLong(parameter: "email", limit: Self.maxEmailLength) }
        let parts = email.utf8.split(separator: UInt8(ascii: "@"), omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, email.utf8.allSatisfy(Self.isEmailByte) else {
            throw .invalidParameter(name: "email", reason: "expected local@domain of letters, digits and . _ % + - ! # $ ' * / = ? ^ ` { | } ~")
        }
        let subject = form["subject"] ?? email
        guard subject.utf8.count <= Self.maxSubjectLength else { throw .tooLong(parameter: "subject", limit: Self.maxSubjectLength) }
        guard subject.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F }),
              !subject.utf8.contains(where: { Array("<>\"&".utf8).contains($0) }) else {
            throw .invalidParameter(name: "subject", reason: "spaces, control characters and < > \" & are not allowed")
        }
        self.email = email
        self.subject = subject
    }

    /// RFC 5322 `atext` plus `.` and `@`, minus `&` (so no address needs escaping in HTML).
    private static func isEmailByte(_ byte: UInt8) -> Bool {
        byte.isASCIIAlphanumeric || Array(".@_%+-!#$'*/=?^`{|}~".utf8).contains(byte)
    }
}

/// Why a signed note, a note key or a checkpoint was rejected. Each case names one check, so tests and
/// callers can match on the case; the associated text says what was wrong for people.
public enum NoteError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The note does not have the c2sp.org/signed-note shape: text, blank line, signature lines.
    case malformedNote(String)
    /// The note has more signature lines than ``SignedNote/maximumSignatures``.
    case tooManySignatures(limit: Int)
    /// Text handed to ``SignedNote/sign(text:signers:)`` cannot be a note text.
    case invalidText(String)
    /// A key name is empty or contains a Unicode space, a `+` or a control character.
    case invalidKeyName(String)
    /// A verifier key (`vkey`) or signer key (`skey`) string is malformed or inconsistent.
    case malformedKey(String)
    /// A signature line from a known key (name and key hint match) does not verify.
    case invalidSignature(name: String, keyHint: UInt32)
    /// No signature line comes from a known key. `seen` lists the lines' `name+hint` for diagnosis.
    case noKnownSignature(seen: [String])
    /// Only witness cosignatures verified; a checkpoint needs the log's own signature.
    case missingLogSignature
    /// The note text is not a c2sp.org/tlog-checkpoint body.
    case malformedCheckpoint(String)
    /// A signature line is not a c2sp.org/tlog-cosignature `timestamped_signature`.
    case malformedCosignature(String)

    public var description: String {
        switch self {
        case .malformedNote(let why):
            "couldn't parse note: \(why)"
        case .tooManySignatures(let limit):
            "couldn't parse note: more than \(limit) signature lines"
        case .invalidText(let why):
            "couldn't sign note: \(why)"
        case .invalidKeyName(let name):
            "invalid note key name \(String(reflecting: name)): must be non-empty, without spaces, \"+\" or control characters"
        case .malformedKey(let why):
            "couldn't parse note key: \(why)"
        case .invalidSignature(let name, let keyHint):
            "couldn't verify note: the signature by \(name)+\(NoteSyntax.hex8(keyHint)) is invalid"
        case .noKnownSignature(let seen):
            seen.isEmpty
                ? "couldn't verify note: no signature from a known key"
                : "couldn't verify note: no signature from a known key (signed by \(seen.joined(separator: ", ")))"
        case .missingLogSignature:
            "couldn't verify checkpoint: no signature by the log's key, only witness cosignatures"
        case .malformedCheckpoint(let why):
            "couldn't parse checkpoint: \(why)"
        case .malformedCosignature(let why):
            "couldn't parse cosignature: \(why)"
        }
    }
}

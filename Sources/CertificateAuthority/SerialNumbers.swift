import Crypto
import X509

/// Certificate serial numbers: exactly 20 octets, positive (RFC 5280 §4.1.2.2 allows at most 20).
/// The top bit is cleared so the DER INTEGER needs no sign byte, and the next bit set so it never
/// shrinks; that leaves 158 random bits, above the CA/B Forum's 64-bit minimum and Fulcio's profile.
public enum SerialNumbers {
    /// A new random serial number.
    public static func random() -> Certificate.SerialNumber {
        // One draw from BoringSSL's CSPRNG; `UInt8.random` would make a getrandom call per byte.
        var bytes = SymmetricKey(size: SymmetricKeySize(bitCount: 160)).withUnsafeBytes { Array($0) }
        bytes[0] = (bytes[0] & 0x7F) | 0x40
        return Certificate.SerialNumber(bytes: bytes)
    }
}

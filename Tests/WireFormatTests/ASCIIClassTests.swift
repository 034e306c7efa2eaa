import Testing
import WireFormat

/// The byte classes match exactly what their names say, over all 256 bytes: no byte of a
/// multi-byte UTF-8 sequence (a look-alike letter or digit) ever counts as ASCII.
@Suite struct ASCIIClassTests {
    @Test func everyByteIsClassifiedByItsASCIIMeaning() {
        for value in 0...255 {
            let byte = UInt8(value)
            let scalar = Unicode.Scalar(byte)
            let ascii = value < 128
            #expect(byte.isASCIIDigit == (ascii && ("0"..."9").contains(scalar)))
            #expect(byte.isASCIILowercase == (ascii && ("a"..."z").contains(scalar)))
            #expect(byte.isASCIILetter == (ascii && (("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar))))
            #expect(byte.isASCIIAlphanumeric == (byte.isASCIILetter || byte.isASCIIDigit))
            #expect(byte.isASCIIHexDigit == (ascii && (("0"..."9").contains(scalar) || ("a"..."f").contains(scalar) || ("A"..."F").contains(scalar))))
        }
        // U+212A KELVIN SIGN and U+FF11 FULLWIDTH DIGIT ONE: no byte of theirs is a letter or digit.
        #expect(!"\u{212A}\u{FF11}".utf8.contains { $0.isASCIIAlphanumeric })
    }
}

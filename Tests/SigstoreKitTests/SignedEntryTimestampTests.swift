import SigstoreKit
import Testing
import WireFormat

@Suite("signed entry timestamp")
struct SignedEntryTimestampTests {
    static let body = Array(#"{"apiVersion":"0.0.1","kind":"hashedrekord"}"#.utf8)
    static let logID = LowercaseHex.decode("c0d23d6ad406973f9559f3ba2d1ca01f84147d8ffc5b8445c224f98b9591801d")!

    @Test("payload bytes for a known input (expected string made with Python json.dumps)")
    func payload() {
        let payload = SignedEntryTimestamp.payload(body: Self.body, integratedTime: 1720811189, logID: Self.logID, logIndex: 123456789)
        #expect(String(decoding: payload, as: UTF8.self)
            == #"{"body":"eyJhcGlWZXJzaW9uIjoiMC4wLjEiLCJraW5kIjoiaGFzaGVkcmVrb3JkIn0=","integratedTime":1720811189,"logID":"c0d23d6ad406973f9559f3ba2d1ca01f84147d8ffc5b8445c224f98b9591801d","logIndex":123456789}"#)
    }

    @Test("a signature over the payload verifies; any changed field does not")
    func verify() throws {
        let key = SigningKey.generateP256()
        let logID = key.verificationKey.keyID
        let signature = try key.sign(SignedEntryTimestamp.payload(body: Self.body, integratedTime: 5, logID: logID, logIndex: 0))
        func isValid(body: [UInt8] = Self.body, time: Int64 = 5, index: Int64 = 0) -> Bool {
            SignedEntryTimestamp.isValid(signature: signature, body: body, integratedTime: time, logID: logID, logIndex: index, key: key.verificationKey)
        }
        #expect(isValid())
        #expect(!isValid(time: 6))
        #expect(!isValid(index: 1))
        #expect(!isValid(body: Self.body + [0x20]))
    }
}

import HTTPTypes
import ServerSupport
import Testing

@Suite struct BearerTokenTests {
    @Test(arguments: ["Bearer abc.def", "bearer abc.def", "BEARER abc.def", "bEaReR   abc.def \t"])
    func schemeIsCaseInsensitiveAndSpacesAreTrimmed(_ header: String) {
        #expect(BearerToken(authorization: header)?.value == "abc.def")
    }

    @Test(arguments: ["Basic abc", "Bearer", "Bearer ", "Bearer   ", "Bearerabc", "Bearer\tabc", "Bear abc",
                      // Unicode case mapping would turn these into "bearer"; ASCII comparison does not.
                      "BEARER\u{0130} abc", "Bearer\u{212A} abc", "B\u{0435}arer abc"])
    func anythingElseIsNoToken(_ header: String) {
        #expect(BearerToken(authorization: header) == nil)
    }

    @Test func readsTheAuthorizationHeader() {
        #expect(BearerToken(headers: [.authorization: "Bearer t0k3n"])?.value == "t0k3n")
        #expect(BearerToken(headers: [:]) == nil)
    }

    @Test func neverPrintsTheToken() throws {
        let token = try #require(BearerToken(authorization: "Bearer secret-token"))
        for text in ["\(token)", String(describing: token), String(reflecting: token)] {
            #expect(!text.contains("secret"), "\(text)")
        }
    }
}

@testable import CertificateAuthority
import Testing

/// `HTTPFreshness`: the RFC 9111 lifetime of a JWKS response.
@Suite struct HTTPFreshnessTests {
    @Test(arguments: [
        ([], [], nil),
        (["public"], [], nil),
        (["max-age=300"], [], 300),
        (["public, max-age=300, must-revalidate"], [], 300),
        (["Public", "MAX-AGE=300"], [], 300),                  // names are case-insensitive; lines combine
        (["max-age=\"300\""], [], 300),                        // §5.2: accept the quoted form
        (["private=\"a, b\", max-age=90"], [], 90),            // a comma inside quotes is not a separator
        (["max-age=300"], ["100"], 200),                       // minus Age
        (["max-age=300"], ["900"], 0),
        (["max-age=300", "max-age=300"], [], 300),
        (["max-age=300, max-age=60"], [], 0),                  // conflicting: stale (§4.2.1)
        (["max-age=-1"], [], 0),
        (["max-age=1e3"], [], 0),
        (["max-age="], [], 0),
        (["max-age"], [], 0),
        (["max-age=99999999999999999999999"], [], 2_147_483_648),   // §1.2.2 cap
        (["no-store, max-age=300"], [], 0),
        (["max-age=300, no-cache"], [], 0),
        (["no-cache=\"Set-Cookie\", max-age=300"], [], 0),
        (["s-maxage=300"], [], nil),                           // shared caches only
    ] as [([String], [String], Double?)])
    func lifetime(cacheControl: [String], age: [String], expected: Double?) {
        #expect(HTTPFreshness.lifetime(cacheControl: cacheControl, age: age) == expected)
    }
}

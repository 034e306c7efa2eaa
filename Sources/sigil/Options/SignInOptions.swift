import ArgumentParser
import Foundation
import SigilClient

/// How the signing commands get an identity token when none is given: the sources of
/// ``IdentityTokenSource`` first (flag, `SIGSTORE_ID_TOKEN`, GitHub Actions), then, only when a
/// person is at a terminal, an interactive sign-in at the OIDC issuer (browser, or out of band),
/// as cosign does. The flags mirror cosign's and sigstore-python's.
struct SignInOptions: ParsableArguments {
    @Option(name: .customLong("oidc-client-id"), help: "OAuth client ID for the interactive sign-in.")
    var oidcClientID = "sigstore"

    @Option(name: .customLong("oidc-client-secret-file"),
            help: "File holding the OAuth client secret, for an issuer whose client is confidential (public clients need none).")
    var oidcClientSecretFile: String?

    @Flag(name: .customLong("oauth-force-oob"),
          help: "Sign in out of band: print the sign-in URL and read the code the issuer shows, instead of opening a browser.")
    var oauthForceOOB = false

    /// The token: from a non-interactive source, else from a sign-in at `issuer` when stdin is a terminal.
    func identityToken(explicitToken: String?, issuer: String?) async throws(TokenError) -> IdentityToken {
        do {
            return try await IdentityTokenSource(explicitToken: explicitToken).resolve().token
        } catch .none(let why) {
            guard isatty(STDIN_FILENO) == 1 else { throw .none(why) }
            guard let issuer else {
                throw .none(why + "; or pass --oidc-issuer (or a trust config listing an OIDC URL) to sign in with a browser")
            }
            return try await signIn(at: issuer)
        }
    }

    private func signIn(at issuer: String) async throws(TokenError) -> IdentityToken {
        var secret: String?
        if let oidcClientSecretFile {
            guard let data = FileManager.default.contents(atPath: oidcClientSecretFile) else {
                throw .signIn("cannot read the client secret file \(oidcClientSecretFile)")
            }
            secret = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let mode: InteractiveSignIn.Mode = oauthForceOOB
            ? .outOfBand(readCode: { readLine(strippingNewline: true) })
            : .browser(open: { BrowserLauncher().open($0) })
        let flow = InteractiveSignIn(issuer: issuer, clientID: oidcClientID, clientSecret: secret, mode: mode,
                                     tell: { FileHandle.standardError.write(Data($0.utf8)) })
        return try await flow.signIn()
    }
}

/// The development issuer's HTML pages: the sign-in form, the out-of-band code, and errors. Self
/// contained (inline style, no scripts, no external assets), and every value from a request is
/// HTML-escaped, in text and in attributes alike.
enum SignInPage {
    /// The sign-in form for `request`: an email and an optional subject, the request's parameters
    /// as hidden fields, posted back to `action`. `problem` (with the values the user typed) is
    /// shown when an earlier submission was refused.
    static func form(action: String, request: AuthorizationRequest, email: String = "", subject: String = "",
                     problem: String? = nil) -> String {
        let hidden = request.formFields
            .map { #"<input type="hidden" name="\#(escape($0.name))" value="\#(escape($0.value))">"# }
            .joined(separator: "\n      ")
        let notice = problem.map { #"<p class="error" role="alert">\#(escape($0))</p>"# } ?? ""
        return page(title: "Sign in", body: """
            <h1>Sign in to the Sigil development issuer</h1>
            <p class="warn">Development only: this issuer vouches for whatever identity you type.</p>
            \(notice)
            <form method="post" action="\(escape(action))">
              \(hidden)
              <label for="email">Email</label>
              <input id="email" name="email" type="email" required maxlength="\(SignInIdentity.maxEmailLength)" value="\(escape(email))" autofocus>
              <label for="subject">Subject (optional, defaults to the email)</label>
              <input id="subject" name="subject" type="text" maxlength="\(SignInIdentity.maxSubjectLength)" value="\(escape(subject))">
              <button type="submit">Sign in</button>
            </form>
            <p class="small">Client <code>\(escape(request.clientID))</code> will receive a code for <code>\(escape(request.redirectURI.text))</code>.</p>
            """)
    }

    /// The out-of-band result: the code for the user to paste into the client that asked.
    static func outOfBandCode(_ code: String) -> String {
        page(title: "Signed in", body: """
            <h1>Signed in</h1>
            <p>Copy this code into the program that asked you to sign in:</p>
            <p><code id="code">\(escape(code))</code></p>
            """)
    }

    /// An error page: what was wrong with the request, and that nothing was redirected.
    static func error(_ message: String) -> String {
        page(title: "Sign-in request refused", body: """
            <h1>Sign-in request refused</h1>
            <p class="error" role="alert">\(escape(message))</p>
            <p>No code was issued and you were not redirected. Start the sign-in again from the program that sent you here.</p>
            """)
    }

    private static func page(title: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title)) · Sigil development issuer</title>
        <style>
          body { font-family: system-ui, sans-serif; max-width: 32rem; margin: 3rem auto; padding: 0 1rem; color: #222; }
          label { display: block; margin-top: 1rem; }
          input[type=email], input[type=text] { width: 100%; padding: .4rem; box-sizing: border-box; }
          button { margin-top: 1.2rem; padding: .5rem 1.2rem; }
          .warn { background: #fff4d6; padding: .5rem; }
          .error { background: #fde2e2; padding: .5rem; }
          .small { font-size: .85rem; color: #555; }
          code { word-break: break-all; }
        </style>
        </head>
        <body>
        \(body)
        </body>
        </html>

        """
    }

    /// Escapes `&`, `<`, `>`, `"` and `'` (enough for text and double- or single-quoted attributes).
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

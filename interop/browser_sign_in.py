#!/usr/bin/env python3
"""A person at a browser, for the interop checks: used as BROWSER, it is called with the URL a
signing tool wants opened. It GETs it (following the tool's own redirect to the issuer), reads
the sign-in form of the development issuer from the HTML, fills in SIGN_IN_EMAIL (and
SIGN_IN_SUBJECT if set), posts it, and follows the issuer's redirect to the tool's loopback
callback. Standard library only; prints what it did to stderr and exits non-zero on any failure.

With SIGN_IN_OOB_CODE_FILE set it instead expects the out-of-band page and writes the code shown
there to that file.
"""
import html.parser
import os
import sys
import urllib.parse
import urllib.request


class SignInForm(html.parser.HTMLParser):
    """The first POST form of the page: its action and its inputs' names and values."""

    def __init__(self):
        super().__init__()
        self.action = None
        self.fields = []
        self.code = None
        self._in_form = False
        self._in_code = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and self.action is None and (attrs.get("method") or "").lower() == "post":
            self.action = attrs.get("action")
            self._in_form = True
        elif tag == "input" and self._in_form and attrs.get("type") == "hidden":
            self.fields.append((attrs["name"], attrs.get("value") or ""))
        elif tag == "code" and attrs.get("id") == "code":
            self._in_code = True

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        if tag == "code":
            self._in_code = False

    def handle_data(self, data):
        if self._in_code:
            self.code = (self.code or "") + data


def main():
    url = sys.argv[1]
    email = os.environ["SIGN_IN_EMAIL"]
    log = lambda message: print(f"browser: {message}", file=sys.stderr)
    with urllib.request.urlopen(url, timeout=30) as page:
        form = SignInForm()
        form.feed(page.read().decode("utf-8"))
        page_url = page.geturl()
    if not form.action:
        log(f"no sign-in form at {page_url}")
        return 1
    fields = form.fields + [("email", email)]
    if os.environ.get("SIGN_IN_SUBJECT"):
        fields.append(("subject", os.environ["SIGN_IN_SUBJECT"]))
    action = urllib.parse.urljoin(page_url, form.action)
    log(f"signing in as {email} at {action}")
    body = urllib.parse.urlencode(fields).encode()
    request = urllib.request.Request(action, data=body, method="POST",
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
    # The issuer answers 303 with the tool's loopback callback; urllib follows it with a GET.
    with urllib.request.urlopen(request, timeout=30) as answer:
        final = answer.geturl()
        text = answer.read().decode("utf-8", "replace")
        status = answer.status
    code_file = os.environ.get("SIGN_IN_OOB_CODE_FILE")
    if code_file:
        shown = SignInForm()
        shown.feed(text)
        if not shown.code:
            log("the out-of-band page shows no code")
            return 1
        with open(code_file, "w") as out:
            out.write(shown.code.strip())
        log("wrote the out-of-band code")
        return 0
    callback = urllib.parse.urlsplit(final)
    if status != 200 or callback.hostname not in ("localhost", "127.0.0.1", "::1") or "code=" not in callback.query:
        log(f"the sign-in did not reach a loopback callback with a code (HTTP {status}, {callback.scheme}://{callback.netloc}{callback.path})")
        return 1
    log(f"delivered the code to {callback.scheme}://{callback.netloc}{callback.path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

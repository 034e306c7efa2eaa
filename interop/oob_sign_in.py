#!/usr/bin/env python3
"""Runs a command on a pseudo-terminal and plays the person in its out-of-band sign-in: waits for
the authorization URL it prints, signs in there as SIGN_IN_EMAIL with browser_sign_in.py, and
types the code the issuer shows back into the command. Exits with the command's status.

    oob_sign_in.py COMMAND [ARGS...]
"""
import os
import pty
import re
import select
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(sys.argv[1], sys.argv[1:])
    output = b""
    typed = False
    deadline = time.time() + 120
    while time.time() < deadline:
        ready, _, _ = select.select([fd], [], [], 1)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            output += chunk
            sys.stderr.buffer.write(chunk)
        if not typed and b"Code: " in output:
            match = re.search(rb"(http\S+/authorize\?\S+)", output)
            if not match:
                print("oob: no authorization URL in the output", file=sys.stderr)
                break
            with tempfile.TemporaryDirectory() as scratch:
                code_file = os.path.join(scratch, "code")
                env = dict(os.environ, SIGN_IN_OOB_CODE_FILE=code_file)
                subprocess.run([sys.executable, os.path.join(HERE, "browser_sign_in.py"), match.group(1).decode()],
                               env=env, check=True)
                with open(code_file) as f:
                    os.write(fd, f.read().encode() + b"\n")
            typed = True
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    sys.exit(main())

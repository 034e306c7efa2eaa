"""One PASS/FAIL line per check (thread-safe) and the closing tally, for the interop sweeps."""
import sys
import threading

_lock = threading.Lock()
_passed = 0
failures = []   # names of the failed checks, in order


def report(ok, name, detail=""):
    global _passed
    with _lock:
        if ok:
            _passed += 1
            print(f"PASS {name}" + (f" ({detail})" if detail else ""), flush=True)
        else:
            failures.append(name)
            print(f"FAIL {name}" + (f"\n    {detail}" if detail else ""), flush=True)


def exit_with_tally():
    """Prints "N passed, M failed" and the failed checks' names; exits 1 on any failure."""
    print(f"{_passed} passed, {len(failures)} failed", flush=True)
    if failures:
        print("FAILED:\n  " + "\n  ".join(failures), flush=True)
    sys.exit(1 if failures else 0)

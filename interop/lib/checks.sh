# Sourced by the interop scripts: one PASS/FAIL line per check and the count at the end.
# The sourcing script sets `work` (its temporary folder) first; CHECK_TAIL lines of a failed
# command's output are shown (default 5).
passed=0
failed=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1"; failed=$((failed + 1)); }
check() {  # check NAME EXPECTED_STATUS(0|nonzero) COMMAND...
  local name=$1 want=$2
  shift 2
  "$@" >"$work/out" 2>&1
  local status=$?
  if { [ "$want" = 0 ] && [ $status = 0 ]; } || { [ "$want" != 0 ] && [ $status != 0 ]; }; then
    pass "$name"
  else
    fail "$name (exit $status)"; sed 's/^/    /' "$work/out" | tail -"${CHECK_TAIL:-5}"
  fi
}
# Prints the count and fails unless every check passed: the script's last command.
finish_checks() {
  echo "$passed passed, $failed failed"
  [ $failed = 0 ]
}

#!/usr/bin/env bash
# Runs the tests and the fuzz corpus against the addon built with AddressSanitizer and UndefinedBehaviorSanitizer.
#
#   scripts/asan.sh [mocha test files…]     (default: every test; then 20,000 fuzz cases, FUZZ_CASES=N to change)
#
# Builds build-asan/Release/torch_node.node (npm run build:asan, incremental) and selects it with TORCH_NODE_ADDON.
# Node and libtorch are not instrumented, so the ASan runtime is preloaded (LD_PRELOAD) to come first, as an
# instrumented library loaded into an uninstrumented program needs. Python children (the oracle) run without it.
# Any ASan report or UBSan finding fails the run at once; leaks are reported by LeakSanitizer at each process's exit,
# and the run fails when one of them has a frame in the addon (other programs' exit-time leaks are not ours).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

flock /tmp/tn-build.lock npm run --silent build:asan

libasan=$(gcc -print-file-name=libasan.so)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The oracle: /usr/bin/python3 without the ASan runtime (CPython and its torch are not instrumented either).
cat >"$work/python3" <<'EOF'
#!/bin/sh
unset LD_PRELOAD
exec /usr/bin/python3 "$@"
EOF
chmod +x "$work/python3"

export TORCH_NODE_ADDON="$root/build-asan/Release/torch_node.node"
export TORCH_NODE_PYTHON="$work/python3"
export LD_PRELOAD="$libasan"
# halt_on_error: the first report ends the process, so a test that trips ASan or UBSan fails.
# LeakSanitizer writes its reports to the log; exitcode=0 leaves the
# verdict to the check below.
export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1:abort_on_error=0:log_path=$work/asan"
export LSAN_OPTIONS="suppressions=$root/scripts/asan.supp:exitcode=0:print_suppressions=0"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:log_path=$work/ubsan"

status=0
# Every test by default; the same generous per-test limit either way (ASan runs a few times slower).
[ $# -gt 0 ] || set -- test/*.test.ts
node node_modules/.bin/mocha --no-config -r ts-node/register --extension ts --timeout 600000 "$@" || status=$?
if [ "${FUZZ_CASES:-20000}" -gt 0 ]; then
  echo "asan: fuzz corpus (${FUZZ_CASES:-20000} cases)"
  node -r ts-node/register/transpile-only test/fuzz/run.ts --cases "${FUZZ_CASES:-20000}" --time-limit-ms 60000 ||
    status=$?
fi

# The checks below run without the ASan runtime: a preloaded awk that leaks at exit would otherwise write a report of
# its own and, with LSAN_OPTIONS' exitcode=0, exit with success, counting a log without an addon frame as a leak.
unset LD_PRELOAD ASAN_OPTIONS LSAN_OPTIONS UBSAN_OPTIONS

# Every report the sanitizers wrote, by any process: errors always count; of the leaks, those whose allocation stack
# passes through the addon (Node and V8 leave their own allocations behind at exit, and so do bash and make).
errors=$(grep -l "ERROR: AddressSanitizer\|runtime error:" "$work"/asan.* "$work"/ubsan.* 2>/dev/null || true)
for f in $errors; do
  echo "asan: report $f"
  cat "$f"
done
leaks=0
for f in "$work"/asan.*; do
  [ -e "$f" ] || continue
  # A leak report is a paragraph starting "Direct leak" or "Indirect leak"; print those with an addon frame.
  found=$(awk -v RS= '/^(Direct|Indirect) leak/ && /torch_node\.node/ { print; print ""; n++ } END { exit n == 0 }' "$f") &&
    {
      echo "asan: leaks from the addon in $f"
      echo "$found"
      leaks=$((leaks + 1))
    }
done
if [ -n "$errors" ] || [ "$leaks" -gt 0 ]; then status=1; fi
reports=$(find "$work" -name 'asan.*' -o -name 'ubsan.*' | wc -l)
echo "asan: exit $status; $reports sanitizer log(s), $(echo $errors | wc -w) with errors, $leaks with leaks from the addon"
exit $status

#!/usr/bin/env bash
# The GPU check of issue 8, in one run: on a machine with an NVIDIA GPU and a CUDA-enabled Python torch (and no Node),
# builds the addon against that torch's libtorch, runs the CUDA tests, and prints the figures: LeNet2 trained on the
# GPU by Node and by Python (deterministic cuDNN) compared bit for bit, each side's GPU checkpoint loaded by the other
# with map_location 'cpu' and 'cuda:0', and a 1 GiB checkpoint loaded straight to the GPU against Python's torch.load.
#
#   node scripts/gpu/pack.js                    here, first: packs Node, node_modules and zlib's headers into
#                                               .gpu-carry/ (the tool's `run` needs carry: [".gpu-carry"])
#   bash scripts/gpu-check.sh                   there: the check (bench/gpu-results.md has the exact `run` call)
#   bash scripts/gpu-check.sh --rehearse        here, on a CPU machine: packs, copies the working tree as the tool
#                                               would, builds in direct mode against a stand-in pip torch made of the
#                                               system libtorch, and runs every stage on the CPU with small sizes
#
# Environment: TN_GPU_DEVICE (cuda:0), TN_GPU_PYTHON (python3: the torch the figures compare with),
# TN_GPU_BUILD_PYTHON (the Python whose torch is built against; TN_GPU_PYTHON by default), TN_GPU_MIB (1024),
# TN_GPU_BATCHES (40), TN_GPU_JOBS (the cores). Output also goes to $OUT/gpu-check.log and $OUT/summary.json when
# OUT is set.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

if [ "${1:-}" = "--rehearse" ]; then
  exec bash "$ROOT/scripts/gpu/rehearse.sh"
fi

DEVICE="${TN_GPU_DEVICE:-cuda:0}"
PY="${TN_GPU_PYTHON:-python3}"
BUILD_PY="${TN_GPU_BUILD_PYTHON:-$PY}"
MIB="${TN_GPU_MIB:-1024}"
BATCHES="${TN_GPU_BATCHES:-40}"
JOBS="${TN_GPU_JOBS:-$(nproc)}"
OUTDIR="${OUT:-$ROOT/.gpu-out}"
WORK="$(mktemp -d /tmp/tn-gpu-XXXXXX)"
mkdir -p "$OUTDIR"
LOG="$OUTDIR/gpu-check.log"
SUMMARY="$OUTDIR/summary.json"
exec > >(tee "$LOG") 2>&1
TEE=$!
START=$(date +%s)
FAILED=0

step() { printf '\n== %s (%ss)\n' "$1" "$(($(date +%s) - START))"; }
fail() {
  echo "FAILED: $*"
  FAILED=1
}
# Records one figure: a name and a JSON value (printed, and kept for summary.json and the verdict).
figure() {
  echo "FIGURE $1 = ${2:-null}"
  printf '%s\t%s\n' "$1" "${2:-null}" >>"$WORK/figures.tsv"
}
# summary.json: every figure, and the verdict on each check the issue asks for (scripts/gpu/verdict.py).
finish() {
  step "summary"
  "$PY" "$ROOT/scripts/gpu/verdict.py" "$WORK/figures.tsv" "$FAILED" "$(($(date +%s) - START))" "$DEVICE" >"$SUMMARY"
  local rc=$?
  cat "$SUMMARY"
  rm -rf "$WORK"
  exec >&- 2>&-
  wait "$TEE" # the log is complete before the tool fetches $OUT
  exit "$rc"
}

step "machine"
date -u +%Y-%m-%dT%H:%M:%SZ
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
"$PY" -c 'import sys, torch; print(sys.executable, "torch", torch.__version__, "cuda", torch.version.cuda, "available", torch.cuda.is_available(), "abi", torch._C._GLIBCXX_USE_CXX11_ABI)' ||
  fail "no torch in $PY"
for tool in c++ cmake ninja make; do printf '%s: %s\n' "$tool" "$(command -v $tool || echo missing)"; done

step "unpack .gpu-carry"
if [ ! -x "$ROOT/.gpu-carry/root/bin/node" ]; then
  [ -f "$ROOT/.gpu-carry/bundle.tar.xz" ] || {
    fail "no .gpu-carry/bundle.tar.xz: run 'node scripts/gpu/pack.js' before the run, and carry .gpu-carry"
    finish
  }
  # Python's tarfile reads xz without the xz tool, which a bare machine may lack.
  "$PY" -c 'import sys, tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2])' \
    "$ROOT/.gpu-carry/bundle.tar.xz" "$ROOT/.gpu-carry/root" || fail "unpacking the bundle"
fi
export PATH="$ROOT/.gpu-carry/root/bin:$(dirname "$("$PY" -c 'import sys; print(sys.executable)')"):$PATH"
[ -e "$ROOT/node_modules" ] || ln -s "$ROOT/.gpu-carry/root/node_modules" "$ROOT/node_modules"
node --version || {
  fail "the carried node does not run here"
  finish
}
# zlib's headers when the machine has none (the library itself is always there).
if ! echo '#include <zlib.h>' | c++ -E -x c++ - >/dev/null 2>&1 || [ -n "${TN_GPU_CARRIED_ZLIB:-}" ]; then
  ZLIB="$ROOT/.gpu-carry/root/zlib"
  mkdir -p "$ZLIB/lib"
  LIBZ=$(/sbin/ldconfig -p 2>/dev/null | awk '/libz\.so\.1 .*x86-64/ {print $NF; exit}')
  [ -n "$LIBZ" ] || LIBZ=$(ls /lib/x86_64-linux-gnu/libz.so.1 /usr/lib/x86_64-linux-gnu/libz.so.1 2>/dev/null | head -1)
  ln -sf "$LIBZ" "$ZLIB/lib/libz.so"
  export ZLIB_ROOT="$ZLIB"
  echo "zlib: carried headers, $LIBZ"
fi

step "build the addon against $BUILD_PY's torch (LIBTORCH_USE_PYTORCH=1)"
# Incremental: a second run on a machine still warm from the first compiles only what changed.
if ! LIBTORCH_USE_PYTORCH=1 TORCH_NODE_PYTHON="$BUILD_PY" TORCH_NODE_JOBS="$JOBS" timeout 300 node scripts/build.js \
  >"$WORK/build.log" 2>&1; then
  grep -E "error|Error|FAILED|torch-node:" "$WORK/build.log" | head -60
  tail -20 "$WORK/build.log"
  fail "build"
  finish
fi
tail -3 "$WORK/build.log"
cat build/Release/torch_node.json
# libtorch through the addon's run path; libtorch_cuda's CUDA libraries (a wheel's nvidia/*/lib) through its own.
ldd build/Release/torch_node.node | grep -E "lib(torch|c10|cu)[a-z_]*\.so|not found"
if ldd build/Release/torch_node.node | grep -q "not found"; then
  # Should not happen with a wheel; if it does, go on with the wheel's CUDA folders on the path and say so.
  NVIDIA_LIBS=$("$PY" -c 'import glob, os, torch; print(":".join(glob.glob(os.path.join(os.path.dirname(os.path.dirname(torch.__file__)), "nvidia", "*", "lib"))))')
  export LD_LIBRARY_PATH="$NVIDIA_LIBS${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  figure neededLdLibraryPath "\"$NVIDIA_LIBS\""
  ldd build/Release/torch_node.node | grep -q "not found" && fail "libraries not found (ldd above)"
fi
figure buildInfo "$(node -e "const t = require('./build/Release/torch_node.node'); console.log(JSON.stringify({ ...t.build, cudaAvailable: t.cudaIsAvailable(), devices: t.cudaDeviceCount() }))")"

export TS_NODE_TRANSPILE_ONLY=true
export CUBLAS_WORKSPACE_CONFIG=:4096:8 # cuBLAS picks the same reductions every run
TSNODE=(node -r ts-node/register)

step "CUDA tests (test/cuda.test.ts)"
TORCH_NODE_PYTHON="$PY" timeout 240 node node_modules/mocha/bin/mocha.js --no-config --require ts-node/register \
  --extension ts --timeout 120000 test/cuda.test.ts | tee "$WORK/mocha.log"
[ "${PIPESTATUS[0]}" = 0 ] || fail "CUDA tests"
figure cudaTests "{\"passing\": $(grep -oE '[0-9]+ passing' "$WORK/mocha.log" | grep -oE '[0-9]+' || echo 0), \"pending\": $(grep -oE '[0-9]+ pending' "$WORK/mocha.log" | grep -oE '[0-9]+' || echo 0), \"failing\": $(grep -oE '[0-9]+ failing' "$WORK/mocha.log" | grep -oE '[0-9]+' || echo 0)}"

step "LeNet2 on $DEVICE: Node and Python from the same weights and batches"
mkdir -p "$WORK/node" "$WORK/python" "$WORK/python-defaults"
run() { timeout 120 "$@" | tail -1; }
"$PY" scripts/gpu/lenet2_twin.py data "$WORK/data" --batches "$BATCHES" --batch-size 64 || fail "twin data"
figure lenet2Python "$(run "$PY" scripts/gpu/lenet2_twin.py train --data "$WORK/data" --device "$DEVICE" --out "$WORK/python/checkpoint.pt")"
figure lenet2Node "$(run "${TSNODE[@]}" scripts/gpu/lenet2-twin.ts train --data "$WORK/data" --device "$DEVICE" --out "$WORK/node/checkpoint.pt")"
figure lenet2PythonTorchDefaults "$(run "$PY" scripts/gpu/lenet2_twin.py train --data "$WORK/data" --device "$DEVICE" --out "$WORK/python-defaults/checkpoint.pt" --torch-defaults)"
# Same file name, same record folder: equal bytes when the installed torch writes 1.13's layout (it does not on 2.x).
if cmp -s "$WORK/node/checkpoint.pt" "$WORK/python/checkpoint.pt"; then same=true; else same=false; fi
figure lenet2FilesByteIdentical "$same"
step "Node's GPU checkpoint in Python (map_location 'cpu', '$DEVICE', its tags)"
figure pythonLoadsNode "$(run "$PY" scripts/gpu/lenet2_twin.py compare --node "$WORK/node/checkpoint.pt" --python "$WORK/python/checkpoint.pt" --device "$DEVICE")"
figure pythonLoadsNodeVsTorchDefaults "$(run "$PY" scripts/gpu/lenet2_twin.py compare --node "$WORK/node/checkpoint.pt" --python "$WORK/python-defaults/checkpoint.pt" --device "$DEVICE")"
step "Python's GPU checkpoint in Node (mapLocation 'cpu', '$DEVICE', a function, its tags)"
figure nodeLoadsPython "$(run "${TSNODE[@]}" scripts/gpu/lenet2-twin.ts check --node "$WORK/node/checkpoint.pt" --python "$WORK/python/checkpoint.pt" --device "$DEVICE")"

step "a ${MIB} MiB checkpoint loaded straight to $DEVICE"
BIG="$WORK/big.pt"
figure bigSave "$(run "${TSNODE[@]}" scripts/gpu/load-bench.ts make --file "$BIG" --mib "$MIB" --device "$DEVICE")"
NODE_LOAD=$(run "${TSNODE[@]}" scripts/gpu/load-bench.ts time --file "$BIG" --device "$DEVICE" --repeat 3)
PY_LOAD=$(run "$PY" scripts/gpu/load_bench.py --file "$BIG" --device "$DEVICE" --repeat 3)
figure bigLoad "$("$PY" - "$NODE_LOAD" "$PY_LOAD" "$MIB" <<'EOF'
import json, statistics, sys
node, py, mib = json.loads(sys.argv[1]), json.loads(sys.argv[2]), int(sys.argv[3])
n, p = statistics.median(node['times']), statistics.median(py['times'])
print(json.dumps({
    'mib': mib, 'nodeSeconds': node['times'], 'nodeAsyncSeconds': node['asyncSeconds'],
    'pythonSeconds': py['times'], 'pythonMmapSeconds': py['mmapSeconds'], 'torch': py['torch'],
    'ratioNodeOverPython': round(n / p, 3), 'nodeGBps': round(mib / 1024 / n, 2),
    'devices': node['devices'], 'sumsEqual': node['sums'] == py['sums'],
}))
EOF
)"

finish

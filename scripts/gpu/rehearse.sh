#!/usr/bin/env bash
# scripts/gpu-check.sh --rehearse: everything of the GPU check that a CPU machine can prove.
#  1. packs .gpu-carry (scripts/gpu/pack.js) and checks that it and the working tree fit the tool's 64 MiB;
#  2. copies the working tree as the tool sends it (tracked files and untracked files git does not ignore) and
#     .gpu-carry into a fresh folder, with no node_modules and no build;
#  3. makes a stand-in pip torch: the system libtorch's headers and libraries laid out as a wheel lays them out
#     (torch/include, torch/lib, torch/version.py), found through a Python whose `import torch` is that stand-in;
#  4. runs scripts/gpu-check.sh there on the CPU with small sizes: the carried Node and node_modules, the carried zlib
#     headers, a direct-mode build (LIBTORCH_USE_PYTORCH=1) whose run path finds the stand-in's libraries, the CUDA
#     tests reported pending by name, and every figure's script on the CPU against /usr/bin/python3.
# TN_GPU_REUSE_PACK=1 keeps an existing .gpu-carry. The copy is left in the folder printed at the end.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
ORACLE="${TORCH_NODE_PYTHON:-/usr/bin/python3}"

if [ -z "${TN_GPU_REUSE_PACK:-}" ] || [ ! -f .gpu-carry/bundle.tar.xz ]; then
  node scripts/gpu/pack.js
fi

T="$(mktemp -d /tmp/tn-gpu-rehearse-XXXXXX)"
mkdir -p "$T/tree" "$T/out"
git ls-files -co --exclude-standard -z | while IFS= read -r -d '' f; do
  [ -e "$f" ] && cp -P --parents "$f" "$T/tree/"
done
cp -r .gpu-carry "$T/tree/.gpu-carry"
echo "tree copied to $T/tree: $(du -sb "$T/tree" | cut -f1) bytes with .gpu-carry"

# The stand-in pip torch.
SITE="$T/site/torch"
mkdir -p "$SITE/include" "$SITE/lib"
for d in ATen c10 caffe2 torch; do ln -s "/usr/include/$d" "$SITE/include/$d"; done
LIBDIR=$(dirname "$(readlink -f /usr/lib/x86_64-linux-gnu/libtorch_cpu.so)")
# Under their link names and their sonames (Debian's are versioned, a wheel's are not), so that the addon's run path
# alone finds them, as it must in a wheel.
for l in libtorch.so libtorch_cpu.so libc10.so; do
  ln -s "$LIBDIR/$l" "$SITE/lib/$l"
  soname=$(objdump -p "$LIBDIR/$l" | awk '/SONAME/ {print $2}')
  [ -z "$soname" ] || [ "$soname" = "$l" ] || ln -s "$LIBDIR/$l" "$SITE/lib/$soname"
done
VERSION=$("$ORACLE" -c 'import torch; print(torch.__version__)')
ABI=$("$ORACLE" -c 'import torch; print(torch._C._GLIBCXX_USE_CXX11_ABI)')
HEADER_VERSION=$(grep -oE 'TORCH_VERSION_(MAJOR|MINOR|PATCH) [0-9]+' /usr/include/torch/csrc/api/include/torch/version.h |
  awk '{print $2}' | paste -sd.)
cat >"$SITE/__init__.py" <<PY
# A stand-in for a pip torch (rehearsal only): what find-libtorch.js asks of one.
__version__ = '$HEADER_VERSION'


class version:
    cuda = None
    hip = None


class _C:
    _GLIBCXX_USE_CXX11_ABI = $ABI
PY
echo "__version__ = '$HEADER_VERSION'" >"$SITE/version.py"
printf '#!/bin/sh\nPYTHONPATH=%s exec %s "$@"\n' "$T/site" "$ORACLE" >"$T/build-python"
chmod +x "$T/build-python"
echo "stand-in pip torch $HEADER_VERSION (system libtorch $VERSION) at $SITE"

cd "$T/tree"
rc=0
OUT="$T/out" TN_GPU_DEVICE=cpu TN_GPU_PYTHON="$ORACLE" TN_GPU_BUILD_PYTHON="$T/build-python" TN_GPU_MIB=64 \
  TN_GPU_BATCHES=6 TN_GPU_JOBS=2 TN_GPU_CARRIED_ZLIB=1 bash scripts/gpu-check.sh || rc=$?
echo "rehearsal: scripts/gpu-check.sh exited $rc; its copy of the tree and output: $T"
exit "$rc"

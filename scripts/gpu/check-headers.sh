#!/usr/bin/env bash
# Compiles the addon's sources (syntax only) against another libtorch's headers, to catch API changes before a build
# on a machine that has that libtorch (the GPU machine's pip torch is 2.x; this machine's libtorch is 1.13).
#   bash scripts/gpu/check-headers.sh INCLUDE_DIR [CXX_STANDARD]     (17 by default; libtorch 2.12+ needs 20)
# Headers of a newer libtorch come from Debian's libtorch-dev of a later release, unpacked without installing it:
#   mkdir -p /tmp/lt/lists/partial /tmp/lt/cache/archives/partial /tmp/lt/root && cd /tmp/lt
#   echo 'deb http://deb.debian.org/debian sid main' >sources.list
#   o="-oDir::Etc::SourceList=$PWD/sources.list -oDir::Etc::SourceParts=/dev/null -oDir::State::Lists=$PWD/lists
#      -oDir::Cache=$PWD/cache"; apt-get $o update && apt-get $o download libtorch-dev && dpkg -x libtorch-dev_*.deb root
#   bash scripts/gpu/check-headers.sh /tmp/lt/root/usr/include 20
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
INC="${1:?usage: check-headers.sh INCLUDE_DIR [CXX_STANDARD]}"
STD="${2:-17}"
cd "$ROOT"
grep -h "define TORCH_VERSION_M" "$INC/torch/headeronly/version.h" "$INC/torch/csrc/api/include/torch/version.h" 2>/dev/null
failed=0
for f in binding/*.cc; do
  if out=$(nice g++ -std=c++"$STD" -fsyntax-only -DBUILDING_NODE_EXTENSION -DNAPI_VERSION=8 -DNAPI_CPP_EXCEPTIONS \
    -DNODE_ADDON_API_DISABLE_DEPRECATED -D_GLIBCXX_USE_CXX11_ABI=1 -Inode_modules/node-api-headers/include \
    -Inode_modules/node-addon-api -isystem "$INC" -isystem "$INC/torch/csrc/api/include" -fexceptions -frtti -w \
    "$f" 2>&1); then
    echo "ok      $f"
  else
    echo "FAILED  $f"
    echo "$out" | grep -E "error" | head -8
    failed=1
  fi
done
exit "$failed"

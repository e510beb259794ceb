#!/usr/bin/env bash
# Stages a self-contained copy of the R package for R CMD build / check:
# the core vendored into src/rust/core, workspace inheritance resolved, an
# empty [workspace] (so cargo does not attach the copy to the repo's
# workspace), the repo's Cargo.lock and release profile, and the shared test
# vectors under tests/testthat/vectors.
#   usage: bindings-r/tools/stage.sh <repo root> <destination dir>
set -euo pipefail
root=$(cd "$1" && pwd)
dest=$2
pkg="$dest/ferroscore"
rm -rf "$pkg"
mkdir -p "$pkg"
( cd "$root/bindings-r" && tar cf - --exclude=./src/rust/target --exclude='*.o' \
    --exclude='*.so' --exclude='*.Rcheck' --exclude='*.tar.gz' . ) | ( cd "$pkg" && tar xf - )
mkdir -p "$pkg/src/rust/core"
cp "$root/core/Cargo.toml" "$pkg/src/rust/core/"
cp -r "$root/core/src" "$pkg/src/rust/core/"
[ -f "$root/Cargo.lock" ] && cp "$root/Cargo.lock" "$pkg/src/rust/Cargo.lock"
mkdir -p "$pkg/tests/testthat/vectors"
cp "$root"/tests/vectors/* "$pkg/tests/testthat/vectors/"

# Values of [workspace.package] in the root Cargo.toml.
ws() {
  awk -v key="$1" '
    /^\[/ { sec = $0 }
    sec == "[workspace.package]" && $1 == key { sub(/^[^=]*=[ ]*/, ""); print; exit }
  ' "$root/Cargo.toml"
}
resolve() {  # $1: a member Cargo.toml to rewrite in place
  local f=$1 k v
  for k in version edition rust-version license repository; do
    v=$(ws "$k")
    sed -i "s|^$k.workspace = true|$k = $v|" "$f"
  done
  # [lints] workspace = true: lints do not matter for building.
  sed -i '/^\[lints\]$/,/^workspace = true$/d' "$f"
  sed -i '/^readme = /d' "$f"
}
resolve "$pkg/src/rust/Cargo.toml"
resolve "$pkg/src/rust/core/Cargo.toml"
sed -i 's|path = "../../../core"|path = "core"|' "$pkg/src/rust/Cargo.toml"
{
  echo
  echo "[workspace]"
  echo
  awk '/^\[/ { on = ($0 == "[profile.release]") } on' "$root/Cargo.toml"
} >> "$pkg/src/rust/Cargo.toml"
echo "$pkg"

#!/bin/sh
# trunk's post_build hook (Trunk.toml): splits the release build's wasm in the staging directory
# in two (tools/wasm-defer: what the first screen needs, and the rest, fetched after it), then
# points the page at both: `data-deferred` on <meta name="mirrorscope-app"> for boot.js, and the
# wasm's new subresource-integrity hash in place of the one trunk wrote. Debug builds (`trunk
# serve`) stay whole, and so does a build with WASM_DEFER=off, whose wasm keeps its names (for
# tests/e2e/deferred-calls.mjs and profiles). Also runs on any dist directory given as the
# argument.
set -eu
dir=${1:-${TRUNK_STAGING_DIR:?}}
[ $# -gt 0 ] || [ "${TRUNK_PROFILE:-}" = release ] || exit 0
[ "${WASM_DEFER:-}" != off ] || exit 0
here=$(cd "$(dirname "$0")" && pwd)
set -- "$dir"/*_bg.wasm
[ $# = 1 ] && [ -f "$1" ] || {
  echo "wasm-defer: expected one *_bg.wasm in $dir" >&2
  exit 1
}
wasm=$1
stem=${wasm%_bg.wasm}
html=$dir/index.html
# The subresource-integrity digest, by node (which the build needs anyway for wasm-opt), so the
# hook needs no openssl on the build machine.
sri() { node -e 'process.stdout.write(require("crypto").createHash("sha384").update(require("fs").readFileSync(process.argv[1])).digest("base64"))' "$1"; }
old=$(sri "$wasm")
target=${CARGO_TARGET_DIR:-$here/../../target}
# The linker's maps (build.rs, one per set of features) and the linked wasms they may describe,
# for moving the data only moved code reads: the split uses the pair the shipped wasm came from.
release=$target/wasm32-unknown-unknown/release
set --
for map in "$release"/build/mirrorscope-*/out/mirrorscope-web.map; do
  for linked in "$release"/deps/mirrorscope_web-*.wasm; do
    [ -f "$map" ] && [ -f "$linked" ] && set -- "$@" --data-map "$map" "$linked"
  done
done
[ $# -gt 0 ] || echo "wasm-defer: no linker map under $release (build.rs writes one): the data stays in the first part" >&2
# Built in the project's target directory (its own package there, not a dependency of the app).
CARGO_TARGET_DIR=$target \
  cargo run --quiet --release --locked --manifest-path "$here/Cargo.toml" -- \
  "$wasm" "$wasm.first" "${stem}_deferred.wasm" --cold "$here/not-on-first-screen.txt" "$@"
mv "$wasm.first" "$wasm"
new=$(sri "$wasm")
sed -i \
  -e "s|sha384-$old|sha384-$new|g" \
  -e 's|data-wasm="\([^"]*\)_bg\.wasm"|& data-deferred="\1_deferred.wasm"|' \
  "$html"
grep -q 'data-deferred=' "$html" || {
  echo "wasm-defer: no <meta name=\"mirrorscope-app\" data-wasm=…> in $html" >&2
  exit 1
}

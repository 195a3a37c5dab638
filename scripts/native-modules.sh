#!/bin/sh
# better-sqlite3 is a V8 addon, compiled for one runtime's ABI. The package's own build serves
# Node (the CLI, the tests, the benchmarks); this builds a second copy for Electron into
# build/electron/, which the desktop app loads. sharp and onnxruntime-node use Node-API and
# load in both as they are. Needs the network once, for Electron's headers or a prebuilt file.
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)

version=$(node -p "require('electron/package.json').version")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cp -R node_modules/better-sqlite3 "$work/"
cd "$work/better-sqlite3"
rm -rf build
echo "Building better-sqlite3 for Electron $version"
PATH="$root/node_modules/.bin:$PATH" \
  npm_config_runtime=electron npm_config_target="$version" \
  npm_config_disturl=https://electronjs.org/headers \
  npm run install --ignore-scripts=false
cd "$root"

mkdir -p build/electron
cp "$work/better-sqlite3/build/Release/better_sqlite3.node" build/electron/
echo "Wrote build/electron/better_sqlite3.node; the desktop app loads it from there."

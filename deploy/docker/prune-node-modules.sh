#!/bin/sh
# Drops what the production image cannot use from node_modules: prebuilt binaries for other
# operating systems, CPU architectures and GPUs (CUDA/Vulkan builds of node-llama-cpp), type
# declarations and source maps. Keeps everything Node loads on linux/<this arch>.
set -eu
modules=${1:?usage: prune-node-modules.sh NODE_MODULES_DIR}
case $(uname -m) in
  x86_64) arch=x64 ;;
  aarch64) arch=arm64 ;;
  *) arch=$(uname -m) ;;
esac
before=$(du -sm "$modules" | cut -f1)

# onnxruntime-node ships every platform; keep linux/<arch>, and link its duplicated library.
ort="$modules/onnxruntime-node/bin/napi-v3"
if [ -d "$ort" ]; then
  find "$ort" -mindepth 1 -maxdepth 1 ! -name linux -exec rm -rf {} +
  find "$ort/linux" -mindepth 1 -maxdepth 1 ! -name "$arch" -exec rm -rf {} +
  for library in "$ort/linux/$arch"/libonnxruntime.so.1.*; do
    [ -f "$library" ] && [ -f "$ort/linux/$arch/libonnxruntime.so.1" ] && ln -sf libonnxruntime.so.1 "$library"
  done
fi

# node-llama-cpp: CPU build for this platform only.
if [ -d "$modules/@node-llama-cpp" ]; then
  find "$modules/@node-llama-cpp" -mindepth 1 -maxdepth 1 ! -name "linux-$arch" -exec rm -rf {} +
fi

# sharp: glibc build for this platform only.
if [ -d "$modules/@img" ]; then
  find "$modules/@img" -mindepth 1 -maxdepth 1 \( -name '*musl*' -o -name '*darwin*' -o -name '*win32*' -o -name '*wasm*' \) -exec rm -rf {} +
fi

# better-sqlite3: the compiled addon only (not the SQLite sources and object files).
bs3="$modules/better-sqlite3"
if [ -f "$bs3/build/Release/better_sqlite3.node" ]; then
  rm -rf "$bs3/deps" "$bs3/src"
  find "$bs3/build" -mindepth 1 -maxdepth 1 ! -name Release -exec rm -rf {} +
  find "$bs3/build/Release" -mindepth 1 -maxdepth 1 ! -name better_sqlite3.node -exec rm -rf {} +
fi

# gpt-tokenizer: Node loads its esm/cjs builds; the browser bundles (dist/) and sources are unused.
rm -rf "$modules/gpt-tokenizer/dist" "$modules/gpt-tokenizer/src"

# pdfjs-dist: the server loads legacy/build (plus cmaps and standard fonts); the modern build and
# the viewer are for browsers (the web UI bundles its own copy at build time).
rm -rf "$modules/pdfjs-dist/build" "$modules/pdfjs-dist/web"

find "$modules" -type f \( -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' -o -name '*.map' \) -delete
after=$(du -sm "$modules" | cut -f1)
echo "prune-node-modules: ${before} MB -> ${after} MB"

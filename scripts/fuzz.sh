#!/usr/bin/env bash
# Fuzzes every importer for FUZZ_SECONDS seconds each (default 10): libFuzzer through cargo-fuzz,
# starting from the committed seeds in fuzz/corpus/TARGET/. New inputs it finds go to a temporary
# folder, so a run never changes the committed corpus; a crash stops the run and leaves its
# reproducer in fuzz/artifacts/TARGET/ (run it again with `cargo fuzz run TARGET FILE`).
#
# cargo-fuzz needs nightly-only compiler flags; RUSTC_BOOTSTRAP=1 lets the stable toolchain
# accept them, so no second toolchain is needed.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
seconds="${FUZZ_SECONDS:-10}"
export RUSTC_BOOTSTRAP=1
targets=(import_bundle import_scalekit import_openapi import_postman import_curl)
cargo fuzz build  # every target, sharing one build of the dependencies
for target in "${targets[@]}"; do
  found="$(mktemp -d)"
  log="$(mktemp)"
  echo "fuzz: $target for ${seconds}s"
  if ! cargo fuzz run "$target" "$found" "corpus/$target" -- \
    -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    echo "fuzz: $target failed; the reproducer is in fuzz/artifacts/$target/" >&2
    exit 1
  fi
  grep -E '^Done [0-9]+ runs' "$log" || tail -n 3 "$log"
  rm -rf "$found" "$log"
done
echo "fuzz: every importer ran ${seconds}s without a crash"

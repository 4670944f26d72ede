# Patchbay's two commands are `make run` (start the desktop app) and `make test` (everything CI
# runs). The other targets are their steps. Every target works on a fresh Debian 12 machine:
# `setup` installs what is missing and is quick when nothing is.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := run

UI_SOURCES := $(shell find ui/src ui/public -type f 2>/dev/null) ui/index.html ui/vite.config.ts \
	ui/svelte.config.js ui/tsconfig.json ui/package.json
# The built UI. The app embeds it at compile time (tauri::generate_context!), so anything that
# compiles patchbay-app (clippy, the window tests) needs it first.
UI_DIST := ui/dist/index.html

.PHONY: setup ui run bindings schema lint test-rust test-ui test-e2e test-fuzz test bench-window

## setup: install missing Debian packages, UI packages and cargo tools
setup:
	scripts/setup.sh

## ui: build the web UI into ui/dist
ui: ui/node_modules/.package-lock.json
	cd ui && npm run build

## run: set up, build the UI and start the desktop app (data: PATCHBAY_DATA_DIR or the platform's)
run: setup ui
	cargo run -p patchbay-app

## bindings: regenerate ui/src/bindings/ from the Rust types (commit the result)
bindings:
	UPDATE_BINDINGS=1 cargo test -p patchbay-core --test ts_bindings

## schema: regenerate docs/schema/bundle-v1.schema.json from the Rust types (commit the result)
schema:
	UPDATE_SCHEMA=1 cargo test -p patchbay-core --test bundle_schema

## lint: rustfmt and clippy (warnings are errors) over the whole workspace
lint: $(UI_DIST)
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings

## test-rust: the core's and the CLI's tests (including the bindings check), on a private D-Bus
##   session with a real, unlocked Secret Service so the keyring-mode vault tests run for real
test-rust: tests/oidc-provider/node_modules/.package-lock.json tests/mcp/node_modules/.package-lock.json
	dbus-run-session -- scripts/with-keyring.sh env PATCHBAY_TEST_SECRET_SERVICE=1 \
		cargo nextest run --workspace --exclude patchbay-app

## test-ui: type-check the UI and run its component tests
test-ui: ui/node_modules/.package-lock.json
	cd ui && npm run check
	cd ui && npm test

## test-e2e: the real window under Xvfb, on a private D-Bus session with an unlocked keyring
##   (UPDATE_SCREENSHOTS=1 also rewrites docs/screenshots/; every run leaves them in target/tmp/)
test-e2e: $(UI_DIST)
	xvfb-run -a dbus-run-session -- scripts/with-keyring.sh \
		cargo nextest run -p patchbay-app --test-threads 1

## test-fuzz: every importer's fuzz target for FUZZ_SECONDS (default 10) seconds each
test-fuzz:
	scripts/fuzz.sh

## test: everything, in the order CI runs it
test: setup ui lint test-rust test-ui test-e2e test-fuzz

$(UI_DIST): ui/node_modules/.package-lock.json $(UI_SOURCES)
	cd ui && npm run build

tests/oidc-provider/node_modules/.package-lock.json: tests/oidc-provider/package-lock.json
	cd tests/oidc-provider && npm ci --no-audit --no-fund

tests/mcp/node_modules/.package-lock.json: tests/mcp/package-lock.json
	cd tests/mcp && npm ci --no-audit --no-fund

ui/node_modules/.package-lock.json: ui/package-lock.json
	cd ui && npm ci --no-audit --no-fund

## bench-window: start time and idle memory of the window against a bare Tauri window (release)
bench-window: $(UI_DIST)
	cargo build --release -p patchbay-app -p patchbay-cli
	CARGO_TARGET_DIR=target/bench-bare cargo build --release --manifest-path bench/bare-window/Cargo.toml
	xvfb-run -a dbus-run-session -- scripts/with-keyring.sh python3 bench/desktop_window.py

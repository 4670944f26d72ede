#!/usr/bin/env bash
# Installs what building, running and testing Patchbay needs, and only what is missing, so it is
# fast (about a second) on a machine that already has everything. Safe to run again and again.
#
#   Debian packages   WebKitGTK and friends for Tauri, the WebDriver for the window tests,
#                     Xvfb + D-Bus + gnome-keyring for headless runs with a real Secret Service
#   ui/node_modules   `npm ci`, when missing or older than ui/package-lock.json
#   tests/oidc-provider/node_modules   the OAuth tests' authorization server, the same way
#   tests/mcp/node_modules   server-everything, the upstream MCP server of the connector tests
#   tests/mcp/.venv   the official MCP Python SDK (pip, pinned in tests/mcp/requirements.txt),
#                     the real MCP client that drives `patchbay mcp` in the tests
#   cargo tools       tauri-driver (window tests), cargo-nextest (test runner), cargo-fuzz
#                     (the importers' fuzz targets), clippy, rustfmt
#
# Needs Rust (rustup) and Node.js >= 20.19 with npm already installed; says so if they are not.
set -euo pipefail
cd "$(dirname "$0")/.."

DEBIAN_PACKAGES=(
  libwebkit2gtk-4.1-dev libayatana-appindicator3-dev librsvg2-dev libssl-dev libxdo-dev
  libdbus-1-dev pkg-config build-essential
  webkit2gtk-driver xvfb xauth dbus gnome-keyring xdg-utils desktop-file-utils
  python3-venv
)

say() { printf 'setup: %s\n' "$*"; }

need_tool() {
  command -v "$1" >/dev/null || { say "$1 is missing: $2" >&2; exit 1; }
}

install_debian_packages() {
  local missing=()
  for pkg in "${DEBIAN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  if ((${#missing[@]} == 0)); then
    return
  fi
  say "installing Debian packages: ${missing[*]}"
  local sudo=()
  if [[ "$(id -u)" -ne 0 ]]; then sudo=(sudo); fi
  "${sudo[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
}

check_node() {
  need_tool node "install Node.js 20.19 or newer"
  need_tool npm "install npm (it comes with Node.js)"
  local version
  version="$(node -p 'process.versions.node')"
  node -e '
    const [major, minor] = process.versions.node.split(".").map(Number);
    process.exit(major > 20 || (major === 20 && minor >= 19) ? 0 : 1);
  ' || { say "Node.js $version is too old: Vite 8 needs 20.19 or newer" >&2; exit 1; }
}

install_ui_packages() {
  # npm writes node_modules/.package-lock.json on every install: its age says whether the
  # installed tree predates the lock file.
  local stamp=ui/node_modules/.package-lock.json
  if [[ ! -f "$stamp" || ui/package-lock.json -nt "$stamp" ]]; then
    say "installing UI packages (npm ci)"
    (cd ui && npm ci --no-audit --no-fund)
  fi
}

cargo_tool_present() {
  command -v "$1" >/dev/null || [[ -x "${CARGO_HOME:-$HOME/.cargo}/bin/$1" ]]
}

install_oidc_provider() {
  # The real OAuth 2.0 / OpenID Connect server the OAuth tests run against (tests/oidc-provider).
  local stamp=tests/oidc-provider/node_modules/.package-lock.json
  if [[ ! -f "$stamp" || tests/oidc-provider/package-lock.json -nt "$stamp" ]]; then
    say "installing the test OAuth server (npm ci in tests/oidc-provider)"
    (cd tests/oidc-provider && npm ci --no-audit --no-fund)
  fi
}

install_mcp_test_parts() {
  local stamp=tests/mcp/node_modules/.package-lock.json
  if [[ ! -f "$stamp" || tests/mcp/package-lock.json -nt "$stamp" ]]; then
    say "installing the test MCP server (npm ci in tests/mcp)"
    (cd tests/mcp && npm ci --no-audit --no-fund)
  fi
  # pip leaves no stamp of its own: this file records the requirements it installed.
  local venv=tests/mcp/.venv installed=tests/mcp/.venv/requirements.installed
  if [[ ! -x "$venv/bin/python" ]] || ! cmp -s tests/mcp/requirements.txt "$installed"; then
    say "installing the MCP Python SDK (pip, into tests/mcp/.venv)"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r tests/mcp/requirements.txt
    cp tests/mcp/requirements.txt "$installed"
  fi
}

install_cargo_tools() {
  need_tool cargo "install Rust with rustup (https://rustup.rs)"
  if ! cargo_tool_present tauri-driver; then
    say "installing tauri-driver"
    cargo install tauri-driver --locked
  fi
  if ! cargo_tool_present cargo-fuzz; then
    say "installing cargo-fuzz"
    cargo install cargo-fuzz --locked
  fi
  if ! cargo_tool_present cargo-nextest; then
    say "installing cargo-nextest"
    cargo install cargo-nextest --locked
  fi
  if ! cargo clippy --version >/dev/null 2>&1 || ! cargo fmt --version >/dev/null 2>&1; then
    say "adding the clippy and rustfmt components"
    rustup component add clippy rustfmt
  fi
}

install_debian_packages
check_node
install_ui_packages
install_oidc_provider
install_mcp_test_parts
install_cargo_tools
say "ok"

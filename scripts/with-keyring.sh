#!/usr/bin/env bash
# Runs a command with an unlocked Secret Service (gnome-keyring) on the current D-Bus session bus,
# so Patchbay's vault uses the OS keyring as it does on a desktop (DESIGN.md invariant 2).
#
# Meant for a private session only: `dbus-run-session -- scripts/with-keyring.sh CMD...` (what
# `make test-e2e` does). The keyring gets a throwaway password and its files go to a temporary
# folder, not ~/.local/share/keyrings. Nothing is started when a Secret Service already owns the
# bus name (e.g. in a developer's desktop session), so a real keyring is never replaced.
set -euo pipefail

has_secret_service() {
  dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true'
}

if [[ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ]]; then
  echo "with-keyring.sh: no D-Bus session; run it under dbus-run-session" >&2
  exit 2
fi

if ! has_secret_service && command -v gnome-keyring-daemon >/dev/null; then
  keyring_home="$(mktemp -d)"
  trap 'rm -rf "$keyring_home"' EXIT
  # gnome-keyring keeps its files under $XDG_DATA_HOME/keyrings: a throwaway folder here.
  # The password on stdin creates and unlocks the default ("login") collection.
  eval "$(printf 'patchbay-test' | XDG_DATA_HOME="$keyring_home" \
    gnome-keyring-daemon --unlock --components=secrets)" >/dev/null
  export GNOME_KEYRING_CONTROL
  for _ in $(seq 50); do has_secret_service && break; sleep 0.1; done
fi

"$@"

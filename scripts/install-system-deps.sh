#!/usr/bin/env bash
# Installs the Debian packages the test suite needs. Called by `npm run test:all` and by
# .ci/run; safe to run again (installs only what is missing). Needs root or sudo.
set -euo pipefail

# Build tools for better-sqlite3 (compiled from source: its prebuilt download is not
# reachable everywhere); mosquitto, the external broker the agent and hub are tested with;
# prometheus, for promtool, which checks that OpenMetrics exports backfill into Prometheus;
# openssl, for the throwaway certificates of the TLS tests; Xvfb, dunst, notify-send and a
# D-Bus session bus (dbus-x11 brings dbus-daemon and dbus-send), for the desktop
# notification tests against a real notification server; victoria-metrics, the
# Prometheus-compatible long-term store that remote write is tested against.
packages=(python3 make g++ sqlite3 mosquitto prometheus victoria-metrics openssl xvfb dunst libnotify-bin dbus-x11 chromium fonts-dejavu-core)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages: all present (${packages[*]})"
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  SUDO="sudo"
fi
echo "system packages: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"

#!/usr/bin/env bash
# Installs the metrics agent as a systemd service under its own user, or removes it.
#
#   sudo scripts/install-agent.sh install --hub mqtt://HUB:1883 --token TOKEN [--id ID] [--bundle dist/metrics-agent.mjs]
#   sudo scripts/install-agent.sh uninstall [--purge]
#
# The hub's "add agent" page prints the install line with the token filled in. Needs
# Node.js 20 or newer on the host. Build the bundle with `node scripts/build-agent.mjs`.
set -euo pipefail

PREFIX=/opt/metrics-agent
CONF_DIR=/etc/metrics-agent
DATA_DIR=/var/lib/metrics-agent
UNIT=/etc/systemd/system/metrics-agent.service
USER_NAME=metrics-agent

die() { echo "install-agent: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "run as root (sudo): it creates a system user and a service"

cmd=${1:-}; shift || true
hub=""; token=""; id=""; bundle="dist/metrics-agent.mjs"; purge=0
while [ $# -gt 0 ]; do
  case "$1" in
    --hub) hub=$2; shift 2 ;;
    --token) token=$2; shift 2 ;;
    --id) id=$2; shift 2 ;;
    --bundle) bundle=$2; shift 2 ;;
    --purge) purge=1; shift ;;
    *) die "unknown option $1 (see the comment at the top of this script)" ;;
  esac
done

case "$cmd" in
  install)
    [ -n "$hub" ] || die "--hub is required (e.g. --hub mqtt://hub.example:1883)"
    [ -n "$token" ] || die "--token is required: copy the install line from the hub's \"add agent\" page"
    [ -f "$bundle" ] || die "bundle $bundle not found: build it with 'node scripts/build-agent.mjs'"
    node_bin=$(command -v node) || die "Node.js 20 or newer is needed on this host"
    major=$("$node_bin" -p 'process.versions.node.split(".")[0]')
    [ "$major" -ge 20 ] || die "Node.js $major is too old: install Node.js 20 or newer"
    id=${id:-$(hostname -s | tr -c 'A-Za-z0-9._-\n' '-')}
    id -u "$USER_NAME" >/dev/null 2>&1 || useradd --system --home-dir "$DATA_DIR" --shell /usr/sbin/nologin "$USER_NAME"
    install -d -m 0755 "$PREFIX" "$CONF_DIR"
    install -d -m 0750 -o "$USER_NAME" -g "$USER_NAME" "$DATA_DIR"
    install -m 0755 "$bundle" "$PREFIX/metrics-agent.mjs"
    if [ ! -f "$CONF_DIR/agent.yaml" ]; then
      umask 077
      cat > "$CONF_DIR/agent.yaml" <<YAML
agent:
  id: $id
  data_dir: $DATA_DIR
hub:
  url: $hub
  password: $token
YAML
      chown root:"$USER_NAME" "$CONF_DIR/agent.yaml"
      chmod 0640 "$CONF_DIR/agent.yaml"
    else
      echo "install-agent: keeping the existing $CONF_DIR/agent.yaml"
    fi
    # The V8 flags the build put in the bundle's shebang (scripts/build-agent.mjs).
    node_flags=$(head -n 1 "$bundle" | sed -n 's/^#!.* node //p')
    cat > "$UNIT" <<UNIT
[Unit]
Description=metrics agent (collects host metrics, delivers them to the hub)
After=network-online.target
Wants=network-online.target

[Service]
User=$USER_NAME
Environment=MALLOC_ARENA_MAX=2
ExecStart=$node_bin $node_flags $PREFIX/metrics-agent.mjs run --config $CONF_DIR/agent.yaml
Restart=always
RestartSec=5
NoNewPrivileges=true
ProtectSystem=strict
ProtectHome=true
ReadWritePaths=$DATA_DIR
PrivateTmp=true

[Install]
WantedBy=multi-user.target
UNIT
    if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
      systemctl daemon-reload
      systemctl enable --now metrics-agent.service
      echo "install-agent: running; check with: $node_bin $PREFIX/metrics-agent.mjs status --config $CONF_DIR/agent.yaml"
    else
      echo "install-agent: installed; systemd is not running here, start it with:"
      echo "  sudo -u $USER_NAME $node_bin $PREFIX/metrics-agent.mjs run --config $CONF_DIR/agent.yaml"
    fi
    ;;
  uninstall)
    if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
      systemctl disable --now metrics-agent.service 2>/dev/null || true
      rm -f "$UNIT"; systemctl daemon-reload
    else
      rm -f "$UNIT"
    fi
    rm -rf "$PREFIX"
    if [ "$purge" -eq 1 ]; then
      rm -rf "$CONF_DIR" "$DATA_DIR"
      userdel "$USER_NAME" 2>/dev/null || true
      echo "install-agent: removed, with its config, buffered data and user"
    else
      echo "install-agent: removed; kept $CONF_DIR and $DATA_DIR (use --purge to delete them)"
    fi
    ;;
  *) die "usage: install-agent.sh install --hub URL --token TOKEN [--id ID] | uninstall [--purge]" ;;
esac

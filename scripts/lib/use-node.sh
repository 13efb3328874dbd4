# Sourced by every script that runs project code: puts the pinned Node.js (.tools/node, installed
# by scripts/install-node.sh) first on PATH, so `node`, `npm` (whose launcher asks the PATH for
# `node`) and every tool under node_modules/.bin run on it, and native modules are built against
# its headers (npm_config_nodedir), not the system's.
project_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export PATH="$project_root/.tools/node/bin:$PATH"
export npm_config_nodedir="$project_root/.tools/node"

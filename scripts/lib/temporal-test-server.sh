#!/usr/bin/env bash
# The pinned time-skipping test server (.tools/bin/temporal-test-server) as the Temporal SDK
# starts it (`server.executable.type: 'existing-path'`, with the port as argument), behind
# exit-with-parent.sh: the SDK stops its server only when the environment is torn down, so a
# test process or an audit that dies first would otherwise leave the server running.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
exec bash "$here/exit-with-parent.sh" "$here/../../.tools/bin/temporal-test-server" "$@"

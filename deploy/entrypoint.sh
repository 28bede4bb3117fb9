#!/bin/sh
# Every container: fill in the production defaults and check them (scripts/production-env, the
# same file `BOT_ENV=production scripts/run` uses), then run the role's command.
set -eu
cd /app
. scripts/production-env
exec "$@"

#!/usr/bin/env bash
# The Docker image's steps without a Docker engine: a clean copy of the built output with production
# dependencies only (`npm ci --omit=dev`) must start, serve /readyz as ready against the simulators,
# and exit 0 on SIGTERM. Run from the repository root after `npm ci` (which builds dist/).
set -euo pipefail
root=$(pwd)
work=$(mktemp -d)
sims_pid=""
app_pid=""
cleanup() {
  [ -n "$app_pid" ] && kill -9 "$app_pid" 2>/dev/null || true
  [ -n "$sims_pid" ] && kill "$sims_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

cp package.json package-lock.json "$work/"
cp -r dist "$work/dist"
(cd "$work" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund)
if [ -d "$work/node_modules/vitest" ] || [ -d "$work/node_modules/typescript" ]; then
  echo "dev dependencies leaked into the production install" >&2
  exit 1
fi

node --import tsx test/support/serve-simulators.ts >"$work/sims.json" &
sims_pid=$!
for _ in $(seq 1 100); do [ -s "$work/sims.json" ] && break; sleep 0.1; done
read_sim() { node -e "process.stdout.write(JSON.parse(require('fs').readFileSync('$work/sims.json','utf8'))['$1'])"; }

port=$(node -e "const s=require('net').createServer().listen(0,()=>{console.log(s.address().port);s.close()})")
cat >"$work/purge.config.yml" <<YAML
companies:
  - name: JJEsquire
    hosts: [s7d7.scene7.com]
    admins: [U0ADMIN]
YAML
(
  cd "$work"
  SLACK_BOT_TOKEN=$(read_sim slackBotToken) SLACK_SIGNING_SECRET=smoke-secret SLACK_API_URL=$(read_sim slackUrl) \
  IPS_API_URL=$(read_sim ipsUrl) IPS_USER=$(read_sim ipsUser) IPS_PASSWORD=$(read_sim ipsPassword) \
  REDIS_PREFIX="dmpurge-smoke-$$" PORT="$port" PURGE_CONFIG=./purge.config.yml LOG_LEVEL=warn NODE_ENV=production \
  exec node dist/main.js
) &
app_pid=$!

ready=""
for _ in $(seq 1 150); do
  if body=$(curl -fsS "http://127.0.0.1:$port/readyz" 2>/dev/null); then ready=$body; break; fi
  sleep 0.2
done
if [ -z "$ready" ]; then
  echo "the production copy did not become ready; /readyz says:" >&2
  curl -sS "http://127.0.0.1:$port/readyz" >&2 || true
  exit 1
fi
echo "/readyz: $ready"
kill -TERM "$app_pid"
code=0
wait "$app_pid" || code=$?
app_pid=""
redis-cli --scan --pattern "{dmpurge-smoke-$$}*" | xargs -r redis-cli unlink >/dev/null
if [ "$code" -ne 0 ]; then
  echo "the production copy exited $code on SIGTERM (expected 0)" >&2
  exit 1
fi
echo "production install: started, ready, stopped cleanly"

#!/bin/bash
# measure.sh CHECKOUT LABEL: a fresh archive (no demo) from CHECKOUT on its own port and var
# directory, the held-out place set imported and searched through the API as a researcher.
# Results: out/report-LABEL.txt and out/results-LABEL.json next to this script.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
CO=$1; LABEL=$2
VAR=$(mktemp -d /tmp/ho18-var-XXXX)
PORT=$((20000 + RANDOM % 20000)); MPORT=$((PORT + 1))
cd "$CO"
export DJANGO_DEBUG=1 ARCHIVE_VAR_DIR=$VAR MEILI_URL=http://127.0.0.1:$MPORT WEB_BIND=127.0.0.1:$PORT WEB_WORKERS=2
unset DATABASE_URL CELERY_BROKER_URL
.venv/bin/python manage.py migrate -v 0
setsid .venv/bin/python manage.py runarchive --no-demo > $VAR/run.log 2>&1 &
PID=$!
for i in $(seq 120); do grep -q "The archive runs at" $VAR/run.log && break; sleep 1; done
TOKEN=$(.venv/bin/python manage.py api_token issue ho18 --create | grep -oE '[0-9a-f]{40}' | head -1)
cd "$HERE"
mkdir -p out
python3 run.py --manage "$CO/.venv/bin/python manage.py" --manage-cwd "$CO" --base http://127.0.0.1:$PORT --token "$TOKEN" > out/report-$LABEL.txt 2>&1
cp out/results.json out/results-$LABEL.json
kill -INT -- -$PID; sleep 5; kill -9 -- -$PID 2>/dev/null
tail -40 out/report-$LABEL.txt

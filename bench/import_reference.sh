#!/usr/bin/env bash
# crmhostctl import-reference throughput: a generated reference database (SQLite, the reference's
# tables) of N call logs (default 100,000) plus 1,000 users and 10,000 message logs, imported into
# a new RocksDB store, then imported again (everything unchanged).
#   bench/import_reference.sh [call_logs=100000]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
build=${BUILD_DIR:-build}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
db="$work/reference.sqlite"
sqlite3 "$db" <<SQL
CREATE TABLE users (id VARCHAR(255) PRIMARY KEY, rcAccountId VARCHAR(255), hostname VARCHAR(255), timezoneName VARCHAR(255), timezoneOffset VARCHAR(255), platform VARCHAR(255), accessToken VARCHAR(2000), refreshToken VARCHAR(2000), tokenExpiry DATETIME, platformAdditionalInfo JSON, hashedRcExtensionId VARCHAR(255), userSettings JSON, createdAt DATETIME NOT NULL, updatedAt DATETIME NOT NULL);
CREATE TABLE callLogs (id VARCHAR(255) NOT NULL, sessionId VARCHAR(255) NOT NULL, extensionNumber VARCHAR(255) NOT NULL DEFAULT '', hashedExtensionId VARCHAR(255) NOT NULL DEFAULT '', platform VARCHAR(255), thirdPartyLogId VARCHAR(255), userId VARCHAR(255), contactId VARCHAR(255), createdAt DATETIME NOT NULL, updatedAt DATETIME NOT NULL, PRIMARY KEY (id, sessionId, extensionNumber, hashedExtensionId));
CREATE TABLE messageLogs (id VARCHAR(255) PRIMARY KEY, platform VARCHAR(255), conversationId VARCHAR(255), conversationLogId VARCHAR(255), thirdPartyLogId VARCHAR(255), userId VARCHAR(255), createdAt DATETIME NOT NULL, updatedAt DATETIME NOT NULL);
WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i + 1 < 1000)
  INSERT INTO users SELECT 'user' || i || '-redtail', '3001', 'smf.crm3.redtailtechnology.com', 'UTC', '0', 'redtail',
    'user-key-' || hex(randomblob(16)), NULL, NULL, '{"username":"user' || i || '"}', 'hash-' || i, '{}',
    '2026-01-02 03:04:05.678 +00:00', '2026-01-02 03:04:05.678 +00:00' FROM k;
WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i + 1 < $n)
  INSERT INTO callLogs SELECT 'tel-' || i, 'sess-' || i, '105', 'hash-' || (i % 1000), 'redtail', '' || (100000 + i),
    'user' || (i % 1000) || '-redtail', '201', '2026-01-02 03:04:05.678 +00:00', '2026-01-02 03:04:05.678 +00:00' FROM k;
WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i + 1 < 10000)
  INSERT INTO messageLogs SELECT 'msg-' || i, 'redtail', 'conv-' || (i / 10), 'conv-' || (i / 10) || '-20260102',
    '' || (500000 + i / 10), 'user' || (i % 1000) || '-redtail', '2026-01-02 03:04:05.678 +00:00', '2026-01-02 03:04:05.678 +00:00' FROM k;
SQL
echo "reference database: $(du -h "$db" | cut -f1), $n call logs, 1000 users, 10000 message logs"
for run in first again; do
  /usr/bin/time -f "$run: %e s wall, %M kB max RSS" "$build/bin/crmhostctl" import-reference \
    --from "sqlite://$db" --data-dir "$work/data" 2>&1 | grep -E "^(users|callLogs|messageLogs) |wrote|wall"
done
echo "store: $(du -sh "$work/data/store" | cut -f1)"

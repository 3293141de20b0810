// The secret ledger: every credential the tests hand to crmhostd or that a fake CRM issues
// (API keys, passwords, OAuth codes and tokens, client secrets, App Connect JWTs) is noted in
// $CRMHOST_TEST_LOG_ARCHIVE/secrets-<pid>.txt, and every daemon's log is copied beside it.
// After the whole run, log_secret_scan looks for each noted secret in each log: the proof that
// no secret reaches a log, over every path the tests exercise rather than the few each test
// greps for. Without the variable (a single test run by hand) nothing is noted.
#ifndef CRMHOST_TESTS_SECRET_LEDGER_H
#define CRMHOST_TESTS_SECRET_LEDGER_H

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace crmhost::testing {

// The archive directory, or "" when the run does not collect logs.
const std::string& LogArchiveDir();

// Notes one secret. Values shorter than 8 characters are ignored: too short to search a log
// for without false alarms (no test secret is that short).
void NoteSecret(std::string_view value);

// Notes the values of secret-named fields ("password", "apiKey", "access_token", "jwtToken",
// "client_secret", "code", ...) in a JSON or form-encoded body.
void NoteSecretsInBody(std::string_view body);

// Notes credentials in headers (Authorization: Bearer/Basic, API-key headers).
void NoteSecretsInHeaders(const std::vector<std::pair<std::string, std::string>>& headers);

// Notes secret-named parameters of a request target's query (jwtToken=..., code=...).
void NoteSecretsInTarget(std::string_view target);

// True for a field or parameter name that holds a credential.
bool IsSecretName(std::string_view name);

}  // namespace crmhost::testing

#endif  // CRMHOST_TESTS_SECRET_LEDGER_H

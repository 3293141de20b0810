#include "support/secret_ledger.h"

#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cstdlib>
#include <fstream>
#include <mutex>

#include "crmhost/encoding.h"
#include "support/fake_http_server.h"

namespace crmhost::testing {
namespace json = boost::json;
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return char(std::tolower(c)); });
  return out;
}

std::string Hex(std::string_view s) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

void NoteFormPairs(std::string_view text) {
  for (auto& [name, value] : ParseForm(text))
    if (IsSecretName(name)) NoteSecret(value);
}

void NoteJson(const json::value& v, bool secret_field) {
  if (v.is_string() && secret_field) {
    NoteSecret(v.get_string());
  } else if (v.is_object()) {
    for (auto& [k, member] : v.get_object())
      NoteJson(member, IsSecretName(k));
  } else if (v.is_array()) {
    for (auto& e : v.get_array())
      NoteJson(e, secret_field);
  }
}

}  // namespace

const std::string& LogArchiveDir() {
  static const std::string dir = [] {
    const char* d = std::getenv("CRMHOST_TEST_LOG_ARCHIVE");
    return std::string(d ? d : "");
  }();
  return dir;
}

bool IsSecretName(std::string_view name) {
  const std::string n = Lower(name);
  for (const char* not_secret : {"expir", "type", "url", "uri"})  // token_type, tokenUrl, ...
    if (n.find(not_secret) != std::string::npos) return false;
  for (const char* word : {"password", "secret", "token", "apikey", "api_key", "api-key", "userkey",
                           "authorization", "credential", "jwt"})
    if (n.find(word) != std::string::npos) return true;
  return n == "code" || n == "key";
}

void NoteSecret(std::string_view value) {
  if (LogArchiveDir().empty() || value.size() < 8) return;
  static std::mutex mu;
  std::lock_guard lock(mu);
  std::ofstream(LogArchiveDir() + "/secrets-" + std::to_string(::getpid()) + ".txt", std::ios::app)
      << Hex(value) << "\n";
}

void NoteSecretsInBody(std::string_view body) {
  if (LogArchiveDir().empty() || body.empty()) return;
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  if (!ec) {
    NoteJson(v, false);
  } else if (body.find('=') != std::string_view::npos && body.find('{') == std::string_view::npos) {
    NoteFormPairs(body);
  }
}

void NoteSecretsInHeaders(const std::vector<std::pair<std::string, std::string>>& headers) {
  if (LogArchiveDir().empty()) return;
  for (auto& [name, value] : headers) {
    if (!IsSecretName(name)) continue;
    std::string_view v = value;
    const std::string scheme = Lower(v.substr(0, v.find(' ') + 1));
    if (scheme == "bearer " || scheme == "basic ") v.remove_prefix(scheme.size());
    NoteSecret(v);
    if (scheme == "basic ") {  // the encoded pair and, decoded, its password half
      if (auto decoded = Base64Decode(v)) {
        size_t colon = decoded->find(':');
        if (colon != std::string::npos) NoteSecret(decoded->substr(colon + 1));
      }
    }
  }
}

void NoteSecretsInTarget(std::string_view target) {
  size_t q = target.find('?');
  if (q != std::string_view::npos) NoteFormPairs(target.substr(q + 1));
}

}  // namespace crmhost::testing

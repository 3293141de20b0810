// The files crmhostd reads once at start, before it opens anything else: the secret key (and
// the purpose keys derived from it), an optional hash key, and the optional manifest override.
#ifndef CRMHOST_OPS_STARTUP_FILES_H
#define CRMHOST_OPS_STARTUP_FILES_H

#include <boost/json/object.hpp>
#include <string>

#include "config/options.h"
#include "crmhost/status.h"
#include "crmhost/store/cipher.h"

namespace crmhost::ops {

// Purpose keys: the master key itself never encrypts or signs anything.
struct DaemonKeys {
  store::Key256 store_key;  // the store's record encryption
  store::Key256 jwt_key;    // signs the App Connect JWTs
  std::string hash_key;     // hex; hashes the ids kept in plain sight (--hash-key-file overrides)
};

// Reads --secret-key-file, creating it (mode 0400) on first start, and --hash-key-file. The
// error names the file and what is wrong with it.
Result<DaemonKeys> LoadKeys(const Options& options);

// The PostgreSQL store's password: the first line of --store-password-file, else of systemd's
// credential $CREDENTIALS_DIRECTORY/store-password, else empty (a URL without password: peer or
// certificate authentication). Warns when the file is readable by others.
Result<std::string> LoadStorePassword(const Options& options);

// The reference server's JWT secret (--legacy-jwt-secret-file: the file's first line, as its
// APP_SERVER_SECRET_KEY was) and the end of legacy tokens (--legacy-jwt-until, epoch ms; 0: no
// end). Empty secret when not configured.
struct LegacyJwt {
  std::string secret;
  int64_t until_ms = 0;
};
Result<LegacyJwt> LoadLegacyJwt(const Options& options);

// The manifest's top level (docs/API.md, GET /crmManifest): built-in defaults, overridden by
// the --manifest-file document's keys other than "platforms" (those come from the plugins).
Result<boost::json::object> LoadManifestTop(const std::string& path);

}  // namespace crmhost::ops

#endif  // CRMHOST_OPS_STARTUP_FILES_H

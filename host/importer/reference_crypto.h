// The reference server's encryption of admin-managed credentials, undone: AES-256-CBC with a
// zero IV, the key being its APP_SERVER_SECRET_KEY padded with spaces (or cut) to 32 bytes,
// PKCS#7 padding, hex text. A managed value is stored as {version:1, encrypted:true, value:hex}
// of the value's JSON text.
#ifndef CRMHOST_IMPORTER_REFERENCE_CRYPTO_H
#define CRMHOST_IMPORTER_REFERENCE_CRYPTO_H

#include <boost/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace crmhost::importer {

// The plaintext of `hex`, or nullopt if it does not decrypt under `secret` (another secret,
// damaged text).
std::optional<std::string> DecryptReferenceValue(std::string_view secret, std::string_view hex);

// A stored managed value as the reference's readers see it: decrypted and JSON-parsed when it is
// {encrypted:true, value}, as it is otherwise (the reference tolerates plain values). nullopt when
// it is encrypted and cannot be decrypted (or no secret is given).
std::optional<boost::json::value> OpenStoredValue(std::string_view secret,
                                                  const boost::json::value& stored);

}  // namespace crmhost::importer

#endif  // CRMHOST_IMPORTER_REFERENCE_CRYPTO_H

#include "importer/reference_crypto.h"

#include <openssl/evp.h>

#include <memory>

#include "crmhost/encoding.h"

namespace crmhost::importer {

std::optional<std::string> DecryptReferenceValue(std::string_view secret, std::string_view hex) {
  if (secret.empty()) return std::nullopt;
  auto cipher_text = HexDecode(hex);
  if (!cipher_text || cipher_text->empty() || cipher_text->size() % 16 != 0) return std::nullopt;
  std::string key(secret.substr(0, 32));
  key.resize(32, ' ');
  const unsigned char iv[16] = {};
  std::unique_ptr<EVP_CIPHER_CTX, void (*)(EVP_CIPHER_CTX*)> ctx(EVP_CIPHER_CTX_new(),
                                                                 EVP_CIPHER_CTX_free);
  if (!ctx || EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_cbc(), nullptr,
                                 reinterpret_cast<const unsigned char*>(key.data()), iv) != 1)
    return std::nullopt;
  std::string plain(cipher_text->size() + 16, '\0');
  int n = 0, tail = 0;
  if (EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()), &n,
                        reinterpret_cast<const unsigned char*>(cipher_text->data()),
                        int(cipher_text->size())) != 1 ||
      EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()) + n, &tail) !=
          1)
    return std::nullopt;  // a wrong key shows as bad padding (almost always)
  plain.resize(size_t(n + tail));
  return plain;
}

std::optional<boost::json::value> OpenStoredValue(std::string_view secret,
                                                  const boost::json::value& stored) {
  const auto* o = stored.if_object();
  const boost::json::value* encrypted = o ? o->if_contains("encrypted") : nullptr;
  const boost::json::value* value = o ? o->if_contains("value") : nullptr;
  if (!encrypted || !encrypted->is_bool() || !encrypted->get_bool() || !value ||
      !value->is_string())
    return stored;
  auto plain = DecryptReferenceValue(secret, value->get_string());
  if (!plain) return std::nullopt;
  boost::system::error_code ec;
  boost::json::value parsed = boost::json::parse(*plain, ec);
  if (ec) return std::nullopt;
  return parsed;
}

}  // namespace crmhost::importer

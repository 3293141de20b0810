#include "crmhost/store/cipher.h"

#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

#include "crmhost/encoding.h"
#include "crmhost/private_files.h"

namespace crmhost::store {
namespace {

constexpr unsigned char kFormatVersion = 1;
constexpr size_t kIvLen = 12;
constexpr size_t kTagLen = 16;

struct CtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using CtxPtr = std::unique_ptr<EVP_CIPHER_CTX, CtxFree>;

}  // namespace

Key256 DeriveKey(const Key256& master, std::string_view purpose) {
  Key256 out{};
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(
      EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, nullptr), &EVP_PKEY_CTX_free);
  static constexpr unsigned char kSalt[] = "crmhost";
  size_t len = out.size();
  if (!ctx || EVP_PKEY_derive_init(ctx.get()) <= 0 ||
      EVP_PKEY_CTX_set_hkdf_md(ctx.get(), EVP_sha256()) <= 0 ||
      EVP_PKEY_CTX_set1_hkdf_salt(ctx.get(), kSalt, sizeof(kSalt) - 1) <= 0 ||
      EVP_PKEY_CTX_set1_hkdf_key(ctx.get(), master.data(), int(master.size())) <= 0 ||
      EVP_PKEY_CTX_add1_hkdf_info(ctx.get(), reinterpret_cast<const unsigned char*>(purpose.data()),
                                  int(purpose.size())) <= 0 ||
      EVP_PKEY_derive(ctx.get(), out.data(), &len) <= 0 || len != out.size()) {
    // Only a broken OpenSSL installation gets here; nothing sensible can continue.
    throw std::runtime_error("HKDF key derivation failed");
  }
  return out;
}

Result<Key256> ReadKeyFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError("cannot read key file " + path + ": " + std::strerror(errno));
  std::stringstream ss;
  ss << in.rdbuf();
  std::string data = ss.str();
  Key256 key{};
  if (data.size() == key.size()) {
    std::memcpy(key.data(), data.data(), key.size());
    return key;
  }
  while (!data.empty() && (data.back() == '\n' || data.back() == '\r'))
    data.pop_back();
  auto raw = HexDecode(data);
  if (!raw || raw->size() != key.size()) {
    return Status::InvalidArgument("key file " + path +
                                   " must hold 64 hex characters or 32 raw bytes");
  }
  std::memcpy(key.data(), raw->data(), key.size());
  return key;
}

Result<Key256> CreateKeyFile(const std::string& path) {
  Key256 key{};
  if (RAND_bytes(key.data(), int(key.size())) != 1)
    return Status::Internal("no randomness for a new key");
  std::string hex =
      HexEncode(std::string_view(reinterpret_cast<const char*>(key.data()), key.size())) + "\n";
  Status created = CreatePrivateFile(path, hex);
  OPENSSL_cleanse(hex.data(), hex.size());
  if (!created.ok()) return Status::IOError("key file: " + created.message());
  return key;
}

Result<std::string> Cipher::Seal(std::string_view plaintext,
                                 std::string_view associated_data) const {
  std::string out(1 + kIvLen + plaintext.size() + kTagLen, '\0');
  auto* p = reinterpret_cast<unsigned char*>(out.data());
  p[0] = kFormatVersion;
  unsigned char* iv = p + 1;
  unsigned char* ct = iv + kIvLen;
  if (RAND_bytes(iv, kIvLen) != 1) return Status::Internal("no random bytes for the IV");
  CtxPtr ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key_.data(), iv) != 1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &len,
                        reinterpret_cast<const unsigned char*>(associated_data.data()),
                        int(associated_data.size())) != 1 ||
      EVP_EncryptUpdate(ctx.get(), ct, &len,
                        reinterpret_cast<const unsigned char*>(plaintext.data()),
                        int(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), ct + len, &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagLen, ct + plaintext.size()) != 1) {
    return Status::Internal("AES-256-GCM encryption failed");
  }
  return out;
}

std::optional<std::string> Cipher::Open(std::string_view blob,
                                        std::string_view associated_data) const {
  if (blob.size() < 1 + kIvLen + kTagLen || uint8_t(blob[0]) != kFormatVersion) return std::nullopt;
  const auto* p = reinterpret_cast<const unsigned char*>(blob.data());
  const unsigned char* iv = p + 1;
  const unsigned char* ct = iv + kIvLen;
  size_t ct_len = blob.size() - 1 - kIvLen - kTagLen;
  std::string out(ct_len, '\0');
  CtxPtr ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  if (!ctx || EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key_.data(), iv) != 1 ||
      EVP_DecryptUpdate(ctx.get(), nullptr, &len,
                        reinterpret_cast<const unsigned char*>(associated_data.data()),
                        int(associated_data.size())) != 1 ||
      EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &len, ct,
                        int(ct_len)) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagLen,
                          const_cast<unsigned char*>(ct + ct_len)) != 1) {
    return std::nullopt;
  }
  int final_len = 0;
  if (EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(out.data()) + len,
                          &final_len) != 1) {
    // Tag mismatch: tampered, moved or encrypted under another key. Never return the bytes.
    OPENSSL_cleanse(out.data(), out.size());
    return std::nullopt;
  }
  return out;
}

}  // namespace crmhost::store

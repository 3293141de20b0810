#include "runtime/digest.h"

#include <openssl/evp.h>

#include "crmhost/encoding.h"

namespace crmhost {

std::string Sha256Hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  return HexEncode(std::string_view(reinterpret_cast<char*>(md), len));
}

}  // namespace crmhost

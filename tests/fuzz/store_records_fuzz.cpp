// Fuzz target: what the store reads back from disk (store/).
//
// Records are read from RocksDB and from backups an operator restores (crmhostctl restore), so a
// corrupt disk, a truncated copy or a hand-edited backup reaches these decoders: DecodeUser and
// DecodeCallLog (JSON records), PartsOf (length-prefixed keys) and Cipher::Open (the AES-256-GCM
// blobs holding user records and plugin secrets). Besides memory safety the target checks:
// decoding what was encoded gives the same record, a sealed blob opens to its plaintext, and a
// blob changed in any byte does not open.
#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "crmhost/store/cipher.h"
#include "crmhost/store/records.h"
#include "crmhost/store/store.h"

namespace {
namespace store = crmhost::store;
namespace json = boost::json;

[[noreturn]] void Broken(const char* what) {
  std::fprintf(stderr, "store_records fuzz: %s\n", what);
  std::abort();
}

// Boost.JSON's default number parsing is not correctly rounded, so a double can move by an ulp
// on every read-write cycle (11e50 is read as 1.1000000000000001E51, which is read as 1.1E51,
// ...; seed store_records/double-drift): doubles are compared loosely. (Numbers beyond double's
// range, read as infinity, were a real bug: records became unreadable. They are stored as null
// now, crmhost/json_safety.h; seed store_records/infinity-unreadable.)
bool SameJson(const json::value& a, const json::value& b) {
  if (a.is_double() && b.is_double()) {
    const double x = a.get_double(), y = b.get_double();
    return x == y || std::fabs(x - y) <= 1e-15 * std::max(std::fabs(x), std::fabs(y));
  }
  if (a.kind() != b.kind()) return false;
  if (const auto* o = a.if_object()) {
    const auto& p = b.get_object();
    return o->size() == p.size() && std::all_of(o->begin(), o->end(), [&](const auto& kv) {
             const json::value* other = p.if_contains(kv.key());
             return other && SameJson(kv.value(), *other);
           });
  }
  if (const auto* x = a.if_array()) {
    const auto& y = b.get_array();
    if (x->size() != y.size()) return false;
    for (size_t i = 0; i < x->size(); ++i)
      if (!SameJson((*x)[i], y[i])) return false;
    return true;
  }
  return a == b;
}

// Encoded twice (decoded in between), a record must say the same.
bool SameEncoding(const std::string& first, const std::string& second) {
  boost::system::error_code ec1, ec2;
  const json::value a = json::parse(first, ec1), b = json::parse(second, ec2);
  return !ec1 && !ec2 && SameJson(a, b);
}

const store::Cipher& TheCipher() {
  static const store::Cipher cipher(
      store::DeriveKey(store::Key256{1, 2, 3, 4, 5, 6, 7, 8}, "store"));
  return cipher;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  if (auto user = store::DecodeUser(input); user.ok()) {
    const std::string once = store::EncodeUser(*user);
    auto again = store::DecodeUser(once);
    if (!again.ok() || !SameEncoding(store::EncodeUser(*again), once))
      Broken("user record round trip");
  }
  if (auto row = store::DecodeCallLog(input); row.ok()) {
    const std::string once = store::EncodeCallLog(*row);
    auto again = store::DecodeCallLog(once);
    if (!again.ok() || !SameEncoding(store::EncodeCallLog(*again), once))
      Broken("call log round trip");
    const std::vector<store::CallLogRow> rows = {*row, *again};
    (void)store::MatchCallLog(rows, row->identity);
    (void)store::MatchCallLog(rows, {row->identity.session_id, row->identity.extension_number, ""});
  }

  // A key: its parts, rebuilt, must give the same key.
  const std::vector<std::string_view> parts = store::PartsOf(input);
  if (parts.size() == 3 && store::KeyOf({parts[0], parts[1], parts[2]}) != input)
    Broken("key parts do not rebuild the key");

  // A sealed blob read from disk, and the input sealed and opened again.
  const std::string_view aad = "users\x1fjdoe-redtail";
  (void)TheCipher().Open(input, aad);
  auto sealed = TheCipher().Seal(input, aad);
  if (!sealed.ok()) Broken("Seal failed");
  auto opened = TheCipher().Open(*sealed, aad);
  if (!opened || *opened != input) Broken("a sealed blob does not open to its plaintext");
  std::string tampered = *sealed;
  tampered[size % tampered.size()] ^= 0x01;
  if (TheCipher().Open(tampered, aad)) Broken("a changed blob opened");
  return 0;
}

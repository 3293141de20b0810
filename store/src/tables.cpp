// The JSON tables: records keyed by length-prefixed parts, sealed or not per table.
#include "crmhost/store/store.h"

#include "crmhost/json_safety.h"

#include "store_impl.h"

namespace crmhost::store {

// ---- JSON tables -----------------------------------------------------------------------------

std::string KeyOf(std::initializer_list<std::string_view> parts) {
  std::string k;
  for (auto p : parts)
    AppendPart(k, p);
  return k;
}

std::vector<std::string_view> PartsOf(std::string_view key) {
  std::vector<std::string_view> parts;
  size_t pos = 0;
  while (pos + 4 <= key.size()) {
    const size_t n = (size_t(uint8_t(key[pos])) << 24) | (size_t(uint8_t(key[pos + 1])) << 16) |
                     (size_t(uint8_t(key[pos + 2])) << 8) | size_t(uint8_t(key[pos + 3]));
    if (pos + 4 + n > key.size()) return {};
    parts.push_back(key.substr(pos + 4, n));
    pos += 4 + n;
  }
  if (pos != key.size()) return {};
  return parts;
}

Result<std::optional<json::value>> Store::Get(Table table, std::string_view key) const {
  const auto t = impl_->Info(table);
  std::string stored;
  auto s = impl_->db->Get(rocksdb::ReadOptions(), t.handle, key, &stored);
  if (s.IsNotFound()) return std::optional<json::value>();
  if (!s.ok()) return FromRocks(s, std::string("reading ") + t.name);
  auto v = impl_->Decode(t, key, stored);
  if (!v.ok()) return v.status();
  return std::optional<json::value>(std::move(v).value());
}

Status Store::Put(Table table, std::string_view key, const json::value& value) {
  const auto t = impl_->Info(table);
  json::value safe = value;  // no `Infinity` token may reach the disk: it would not read back
  ReplaceNonFinite(safe);
  std::string text = json::serialize(safe);
  if (t.sealed) {
    auto blob = impl_->cipher.Seal(text, Aad(t.name, key));
    OPENSSL_cleanse(text.data(), text.size());
    if (!blob.ok()) return blob.status();
    text = std::move(blob).value();
  }
  if (t.durable) {
    rocksdb::WriteBatch b;
    b.Put(t.handle, key, text);
    return impl_->Commit(std::move(b));
  }
  rocksdb::WriteBatch b;
  b.Put(t.handle, key, text);
  return impl_->WriteNow(std::move(b), std::string("writing ") + t.name);
}

Status Store::Delete(Table table, std::string_view key) {
  const auto t = impl_->Info(table);
  if (t.durable) {
    rocksdb::WriteBatch b;
    b.Delete(t.handle, key);
    return impl_->Commit(std::move(b));
  }
  rocksdb::WriteBatch b;
  b.Delete(t.handle, key);
  return impl_->WriteNow(std::move(b), std::string("deleting from ") + t.name);
}

Status Store::ForEach(
    Table table, std::string_view prefix,
    const std::function<bool(std::string_view, const json::value&)>& visit) const {
  const auto t = impl_->Info(table);
  std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator(rocksdb::ReadOptions(), t.handle));
  for (it->Seek(rocksdb::Slice(prefix.data(), prefix.size()));
       it->Valid() && it->key().starts_with(rocksdb::Slice(prefix.data(), prefix.size()));
       it->Next()) {
    auto v = impl_->Decode(t, it->key().ToStringView(), it->value().ToStringView());
    if (!v.ok()) return v.status();
    if (!visit(it->key().ToStringView(), v.value())) break;
  }
  if (!it->status().ok()) return FromRocks(it->status(), std::string("scanning ") + t.name);
  return Status::OK();
}

Result<std::vector<std::pair<std::string, json::value>>> Store::Scan(
    Table table, std::string_view prefix) const {
  std::vector<std::pair<std::string, json::value>> out;
  Status st = ForEach(table, prefix, [&](std::string_view key, const json::value& v) {
    out.emplace_back(std::string(key), v);
    return true;
  });
  if (!st.ok()) return st;
  return out;
}

}  // namespace crmhost::store

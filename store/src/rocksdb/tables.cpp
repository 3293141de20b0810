// The JSON tables: records keyed by length-prefixed parts, sealed or not per table.
#include "rocks_store.h"

namespace crmhost::store {

Result<std::optional<json::value>> RocksStore::Get(Table table, std::string_view key) const {
  const TableTraits t = Traits(table);
  std::string stored;
  auto s = impl_->db->Get(rocksdb::ReadOptions(), impl_->Handle(table), key, &stored);
  if (s.IsNotFound()) return std::optional<json::value>();
  if (!s.ok()) return FromRocks(s, std::string("reading ") + t.name);
  auto v = DecodeRecord(impl_->cipher, t, key, stored);
  if (!v.ok()) return v.status();
  return std::optional<json::value>(std::move(v).value());
}

Status RocksStore::Put(Table table, std::string_view key, const json::value& value) {
  const TableTraits t = Traits(table);
  auto stored = EncodeRecord(impl_->cipher, t, key, value);
  if (!stored.ok()) return stored.status();
  rocksdb::WriteBatch b;
  b.Put(impl_->Handle(table), key, stored.value());
  if (t.durable) return impl_->Commit(std::move(b));
  return impl_->WriteNow(std::move(b), std::string("writing ") + t.name);
}

Status RocksStore::Delete(Table table, std::string_view key) {
  const TableTraits t = Traits(table);
  rocksdb::WriteBatch b;
  b.Delete(impl_->Handle(table), key);
  if (t.durable) return impl_->Commit(std::move(b));
  return impl_->WriteNow(std::move(b), std::string("deleting from ") + t.name);
}

Status RocksStore::ForEach(
    Table table, std::string_view prefix,
    const std::function<bool(std::string_view, const json::value&)>& visit) const {
  const TableTraits t = Traits(table);
  std::unique_ptr<rocksdb::Iterator> it(
      impl_->db->NewIterator(rocksdb::ReadOptions(), impl_->Handle(table)));
  const rocksdb::Slice p(prefix.data(), prefix.size());
  for (it->Seek(p); it->Valid() && it->key().starts_with(p); it->Next()) {
    auto v = DecodeRecord(impl_->cipher, t, it->key().ToStringView(), it->value().ToStringView());
    if (!v.ok()) return v.status();
    if (!visit(it->key().ToStringView(), v.value())) break;
  }
  if (!it->status().ok()) return FromRocks(it->status(), std::string("scanning ") + t.name);
  return Status::OK();
}

}  // namespace crmhost::store

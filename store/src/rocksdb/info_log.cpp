#include "info_log.h"

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <string>
#include <utility>

namespace crmhost::store {
namespace {

class SinkLogger final : public rocksdb::Logger {
 public:
  explicit SinkLogger(Store::LogSink sink)
      : rocksdb::Logger(rocksdb::InfoLogLevel::WARN_LEVEL), sink_(std::move(sink)) {}

  // RocksDB calls this overload for every level-tagged line; the level filter is ours to apply
  // (Logger's default passes INFO through regardless of the logger's level).
  void Logv(const rocksdb::InfoLogLevel level, const char* format, va_list ap) override {
    if (level < GetInfoLogLevel() || level == rocksdb::InfoLogLevel::HEADER_LEVEL) return;
    if (!sink_) return;
    char line[1024];
    const int n = std::vsnprintf(line, sizeof line, format, ap);
    if (n < 0) return;
    std::string_view text(line, std::min<size_t>(size_t(n), sizeof line - 1));
    while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
      text.remove_suffix(1);
    sink_(level >= rocksdb::InfoLogLevel::ERROR_LEVEL, text);
  }
  // Lines without a level: RocksDB's informational output.
  void Logv(const char*, va_list) override {}

 private:
  const Store::LogSink sink_;
};

}  // namespace

std::shared_ptr<rocksdb::Logger> MakeInfoLog(Store::LogSink sink) {
  return std::make_shared<SinkLogger>(std::move(sink));
}

}  // namespace crmhost::store

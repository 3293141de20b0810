#include "runtime/logging.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "runtime/fiber_pool.h"

namespace crmhost {
namespace {

thread_local std::string_view thread_request_id = "-";

// The request id slot of the code running now: its fiber's (a fiber carries its request across
// the threads' interleaving) or else its thread's.
std::string_view& RequestIdSlot() {
  if (std::string_view* slot = FiberRequestIdSlot()) return *slot;
  return thread_request_id;
}

void Append(spdlog::memory_buf_t& dest, std::string_view text) {
  dest.append(text.data(), text.data() + text.size());
}

// JSON string content: spdlog's %v is raw text, and a message may hold quotes or newlines.
void AppendJsonEscaped(spdlog::memory_buf_t& dest, std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '"':
        Append(dest, "\\\"");
        break;
      case '\\':
        Append(dest, "\\\\");
        break;
      case '\n':
        Append(dest, "\\n");
        break;
      case '\r':
        Append(dest, "\\r");
        break;
      case '\t':
        Append(dest, "\\t");
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          Append(dest, buf);
        } else {
          dest.push_back(c);
        }
    }
  }
}

// %* : the message, JSON-escaped.
class JsonMessageFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    AppendJsonEscaped(dest, std::string_view(msg.payload.data(), msg.payload.size()));
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<JsonMessageFlag>();
  }
};

// %& : the request id of the fiber or thread that logs. spdlog formats on the calling thread
// (the logger is synchronous), so the slot is the caller's.
class RequestIdFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg&, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    Append(dest, RequestIdSlot());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<RequestIdFlag>();
  }
};

// %J : "<N>", the line's syslog priority, which journald reads from the start of a stdout line
// (SyslogLevelPrefix=, on by default), so `journalctl -p warning` finds warnings and errors.
class JournalPriorityFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    switch (msg.level) {
      case spdlog::level::critical:
        Append(dest, "<2>");
        break;
      case spdlog::level::err:
        Append(dest, "<3>");
        break;
      case spdlog::level::warn:
        Append(dest, "<4>");
        break;
      case spdlog::level::info:
        Append(dest, "<6>");
        break;
      default:
        Append(dest, "<7>");
    }
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<JournalPriorityFlag>();
  }
};

}  // namespace

bool SetupLogging(const std::string& level, const std::string& format, const std::string& file) {
  spdlog::drop("crmhostd");  // a second daemon in one process (tests) replaces the first's
  std::shared_ptr<spdlog::logger> logger;
  bool opened = true;
  if (!file.empty()) {
    try {
      logger = spdlog::basic_logger_mt("crmhostd", file);
    } catch (const spdlog::spdlog_ex& e) {
      // Said on stdout, where the admin starting it by hand (or the service manager) sees it.
      logger = spdlog::stdout_logger_mt("crmhostd");
      logger->error("cannot open log file {}: {}", file, e.what());
      opened = false;
    }
  } else {
    logger = spdlog::stdout_logger_mt("crmhostd");
  }
  spdlog::set_default_logger(logger);
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  formatter->add_flag<RequestIdFlag>('&');
  // systemd sets $JOURNAL_STREAM when stdout is the journal: text lines then start with their
  // priority (JSON lines stay pure JSON for shippers that read the journal's MESSAGE).
  const bool journal = file.empty() && std::getenv("JOURNAL_STREAM") != nullptr;
  if (format == "json") {
    formatter->add_flag<JsonMessageFlag>('*').set_pattern(
        R"({"time":"%Y-%m-%dT%H:%M:%S.%e%z","level":"%l","request_id":"%&","msg":"%*"})");
  } else if (journal) {
    formatter->add_flag<JournalPriorityFlag>('J').set_pattern("%J%Y-%m-%dT%H:%M:%S.%e %l [%&] %v");
  } else {
    formatter->set_pattern("%Y-%m-%dT%H:%M:%S.%e %l [%&] %v");
  }
  spdlog::set_formatter(std::move(formatter));
  spdlog::set_level(std::min(spdlog::level::info, spdlog::level::from_str(level)));
  spdlog::flush_on(spdlog::level::info);
  return opened;
}

RequestLogScope::RequestLogScope(std::string_view id) : slot_(&RequestIdSlot()), previous_(*slot_) {
  *slot_ = id.empty() ? std::string_view("-") : id;
}

RequestLogScope::~RequestLogScope() {
  *slot_ = previous_;
}

bool IsAcceptableRequestId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == ':' || c == '-';
  });
}

}  // namespace crmhost

#include "plugins/plugin_version.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "crmhost/json_safety.h"
#include "plugins/host_services.h"
#include "runtime/fiber_pool.h"
#include "runtime/logging.h"

namespace crmhost::plugins {
namespace json = boost::json;

PluginVersion::PluginVersion(PluginInfo info, const crmh_plugin_descriptor* descriptor,
                             crmh_instance* instance, HostServices& host)
    : info_(std::move(info)),
      descriptor_(descriptor),
      instance_(instance),
      host_(host),
      cacheable_(!Implements("listPlatforms")) {}

OpOutcome PluginVersion::InvokeConstant(Operation op, const json::object& input,
                                        std::string_view platform,
                                        const std::string& request_id) const {
  std::string key = std::string(op.name()) + '\0' + std::string(platform);
  if (cacheable_) {
    std::lock_guard lock(constants_mu_);
    if (auto it = constants_.find(key); it != constants_.end()) {
      OpOutcome hit;
      hit.kind = OpOutcome::Kind::kOk;
      hit.value = it->second;
      return hit;
    }
  }
  OpOutcome out = Invoke(op, input, request_id, {});
  if (cacheable_ && out.ok()) {
    std::lock_guard lock(constants_mu_);
    constants_.emplace(std::move(key), out.value);
  }
  return out;
}

PluginVersion::~PluginVersion() {
  if (!shut_down_) {
    // Destroyed without a drain-and-shutdown (e.g. a refused version after init): shutting it
    // down here is still the only way its resources get released.
    Shutdown();
  }
}

bool PluginVersion::Implements(Operation op) const {
  return std::find(info_.operations.begin(), info_.operations.end(), op.name()) !=
         info_.operations.end();
}

namespace {

// What an operation's status and output mean to the host. Not inlined into Invoke: its strings
// and parsed document would otherwise take room in Invoke's frame, which sits on the fiber's
// stack all the while the plugin waits on its CRM (a parked request keeps every stack page it
// touched; docs/PERFORMANCE.md, "Memory at 1,000 connections").
[[gnu::noinline]] OpOutcome OutcomeOf(const std::string& plugin, std::string_view op,
                                      crmh_status st, const std::string& output) {
  OpOutcome out;
  boost::system::error_code ec;
  json::value parsed = output.empty() ? json::value() : json::parse(output, ec);
  if (ec) parsed = nullptr;
  ReplaceNonFinite(parsed);  // what a plugin hands back may be stored (userUpdate)
  auto message_of = [&](const json::value& v) -> std::string {
    if (auto* o = v.if_object())
      if (auto* m = o->if_contains("message"); m && m->is_string())
        return std::string(m->get_string());
    return {};
  };
  switch (st) {
    case CRMH_OK:
      if (ec || output.empty()) {
        out.kind = OpOutcome::Kind::kInternal;
        out.message = plugin + "." + std::string(op) + " returned invalid JSON";
        return out;
      }
      out.kind = OpOutcome::Kind::kOk;
      out.value = std::move(parsed);
      return out;
    case CRMH_E_UPSTREAM: {
      out.kind = OpOutcome::Kind::kUpstream;
      out.message = message_of(parsed);
      if (auto* o = parsed.if_object())
        if (auto* sc = o->if_contains("statusCode"); sc && sc->is_int64())
          out.status_code = int(sc->get_int64());
      return out;
    }
    case CRMH_E_UNSUPPORTED:
      out.kind = OpOutcome::Kind::kUnsupported;
      break;
    case CRMH_E_INVALID:
      out.kind = OpOutcome::Kind::kInvalid;
      break;
    default:
      out.kind = OpOutcome::Kind::kInternal;
      break;
  }
  out.message = message_of(parsed);
  if (out.message.empty())
    out.message = plugin + "." + std::string(op) + " failed with status " + std::to_string(st);
  return out;
}

// The input document as the plugin reads it. Not inlined for the same reason as OutcomeOf.
[[gnu::noinline]] std::string Serialized(const json::object& input) {
  return json::serialize(input);
}

}  // namespace

OpOutcome PluginVersion::Invoke(Operation operation, const json::object& input,
                                const std::string& request_id, std::vector<std::string> secrets,
                                std::string user_ref) const {
  // InvokeSerialized answers an operation the plugin lacks without reading its input.
  return InvokeSerialized(operation, Implements(operation) ? Serialized(input) : std::string(),
                          request_id, std::move(secrets), std::move(user_ref));
}

OpOutcome PluginVersion::InvokeSerialized(Operation operation, std::string in,
                                          const std::string& request_id,
                                          std::vector<std::string> secrets,
                                          std::string user_ref) const {
  const std::string_view op = operation.name();
  if (!Implements(operation)) {
    OpOutcome out;
    out.kind = OpOutcome::Kind::kUnsupported;
    out.message = info_.name + " does not implement " + std::string(op);
    return out;
  }
  RequestLogScope log_scope(request_id);
  FiberLabel label({"plugin ", info_.name, " operation ", op});
  crmh_call call = host_.NewCall(info_.name, request_id, std::move(secrets));
  call.user_ref = std::move(user_ref);
  crmh_writer writer;
  crmh_status st = descriptor_->invoke(instance_, &call, {op.data(), op.size()},
                                       {in.data(), in.size()}, &writer);
  if (writer.overflow) {
    OpOutcome out;
    out.kind = OpOutcome::Kind::kInternal;
    out.message = info_.name + "." + std::string(op) + " wrote more than the output limit";
    return out;
  }
  return OutcomeOf(info_.name, op, st, writer.data);
}

void PluginVersion::Shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  crmh_call call = host_.NewCall(info_.name, "shutdown");
  descriptor_->shutdown(instance_, &call);
  spdlog::info("plugin {} {} (generation {}) shut down", info_.name, info_.version,
               info_.generation);
}

}  // namespace crmhost::plugins

// Fuzz target: the checks a plugin passes before any of its code runs (host/plugins).
//
// Whatever lands in the plugin directory is examined: a copy still in progress, a broken
// download, a file that is not a plugin at all. CheckSharedObject reads the raw bytes' ELF and
// program headers before dlopen would trust them; CheckDescriptor reads the descriptor a plugin's
// entry point returns (any values a foreign or corrupt build may hold). The descriptor is built
// from the input: its integer fields always, its strings (NUL-terminated copies, so the check
// never reads past them) and which function pointers are set when the input asks for them;
// otherwise fixed valid strings. The function pointers are never called. The rest of the input
// is a routes_json declaration (ABI 1.3) for ParseRoutes and a path to match against it.
#include <fuzzer/FuzzedDataProvider.h>

#include <crmhost/plugin.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "plugins/descriptor.h"
#include "plugins/elf_check.h"
#include "plugins/plugin_routes.h"

namespace {
crmh_status Init(const crmh_host_api*, crmh_call*, crmh_instance**, crmh_writer*) {
  return CRMH_OK;
}
crmh_status Invoke(crmh_instance*, crmh_call*, crmh_view, crmh_view, crmh_writer*) {
  return CRMH_OK;
}
void Shutdown(crmh_instance*, crmh_call*) {}

void CheckDescriptor(FuzzedDataProvider& in) {
  crmh_plugin_descriptor d{};
  d.magic = in.ConsumeBool() ? CRMH_PLUGIN_MAGIC : in.ConsumeIntegral<uint64_t>();
  d.struct_size = in.ConsumeBool() ? uint32_t(sizeof d) : in.ConsumeIntegral<uint32_t>();
  d.abi_major = in.ConsumeBool() ? uint16_t(CRMH_ABI_MAJOR) : in.ConsumeIntegral<uint16_t>();
  d.abi_minor = in.ConsumeIntegral<uint16_t>() % 4;
  const uint8_t pointers = in.ConsumeIntegral<uint8_t>();  // which pointers are null
  d.init = pointers & 1 ? nullptr : Init;
  d.invoke = pointers & 2 ? nullptr : Invoke;
  d.shutdown = pointers & 4 ? nullptr : Shutdown;
  const bool input_strings = pointers & 8;
  const std::string name = input_strings ? in.ConsumeRandomLengthString(80) : "fuzzcrm";
  const std::string version = input_strings ? in.ConsumeRandomLengthString(40) : "1.2.3-rc.1+b5";
  d.name = pointers & 16 ? nullptr : name.c_str();
  d.version = pointers & 32 ? nullptr : version.c_str();
  d.build_info = "fuzz";
  std::vector<std::string> names = {"getAuthType", "createCallLog", "updateCallLog"};
  if (input_strings) {
    const size_t count = in.ConsumeIntegralInRange<size_t>(0, 300);  // past the 256 bound too
    for (size_t i = 0; i < count && in.remaining_bytes() > 0; ++i)
      names.push_back(in.ConsumeRandomLengthString(70));
    if (in.ConsumeBool()) names.erase(names.begin());
  }
  std::vector<const char*> operations;
  for (const auto& n : names)
    operations.push_back(n.c_str());
  operations.push_back(nullptr);
  d.operations = pointers & 64 ? nullptr : operations.data();
  (void)crmhost::plugins::CheckDescriptor(&d);
  (void)crmhost::plugins::IsValidPluginName(name);
  (void)crmhost::plugins::IsSemver(version);
  // ABI 1.3: the routes a plugin declares, and matching a request path against them.
  const std::string routes = in.ConsumeRandomLengthString(600);
  auto parsed = crmhost::plugins::ParseRoutes(routes.c_str(), name);
  if (parsed.ok()) {
    crmhost::plugins::RouteParams params;
    (void)crmhost::plugins::MatchRoute(parsed.value(), "GET", in.ConsumeRandomLengthString(80),
                                       &params);
  }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // The whole input as a plugin file (seeds are real .so files).
  (void)crmhost::plugins::CheckSharedObject(
      std::string_view(reinterpret_cast<const char*>(data), size));
  FuzzedDataProvider in(data, size);
  CheckDescriptor(in);
  return 0;
}

#include "plugins/loader.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>

#include "crmhost/encoding.h"
#include "outbound/egress_policy.h"
#include "plugins/descriptor.h"
#include "plugins/dynlib.h"
#include "plugins/elf_check.h"
#include "plugins/host_services.h"
#include "runtime/digest.h"

namespace crmhost::plugins {
namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

#if defined(_WIN32)
constexpr const char* kPluginExtension = ".dll";
#else
constexpr const char* kPluginExtension = ".so";
#endif

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Status Refuse(const fs::path& file, const std::string& why) {
  return Status::InvalidArgument(file.filename().string() + ": " + why);
}

// 1. Read whole. A file still being written shows up as a short or garbled read here or as a
//    dlopen failure later; either way it is refused, not half-loaded.
Result<std::string> ReadPluginFile(const fs::path& file, uint64_t max_bytes) {
  std::error_code ec;
  auto size = fs::file_size(file, ec);
  if (ec) return Status::InvalidArgument("cannot stat: " + ec.message());
  if (size > max_bytes)
    return Status::InvalidArgument("file is larger than " + std::to_string(max_bytes) + " bytes");
  std::ifstream in(file, std::ios::binary);
  if (!in) return Status::InvalidArgument("cannot open for reading");
  // One read of the size stat gave, then a check that nothing followed (a file still being
  // written); a byte at a time through a stream iterator took seconds for a sanitizer build.
  std::string bytes(size, '\0');
  in.read(bytes.data(), std::streamsize(size));
  if (std::uintmax_t(in.gcount()) != size || in.peek() != std::ifstream::traits_type::eof())
    return Status::InvalidArgument("file changed while being read");
  if (Status st = CheckSharedObject(bytes); !st.ok()) return st;
  return bytes;
}

// 2. Shadow copy named by content: one content is one path, so dlopen maps it once however
//    often it is (re)published. Written under a temporary name, then renamed into place. A file
//    already in the shadow directory (a rollback) is used as it is.
Result<fs::path> PlaceShadowCopy(const fs::path& file, const fs::path& shadow_dir,
                                 const std::string& bytes, const std::string& sha) {
  std::error_code ec;
  fs::create_directories(shadow_dir, ec);
  if (ec) return Status::InvalidArgument("cannot create shadow directory: " + ec.message());
  fs::path shadow = shadow_dir / (sha + kPluginExtension);
  if (fs::equivalent(file.parent_path(), shadow_dir, ec)) shadow = file;
  if (fs::exists(shadow, ec)) return shadow;
  fs::path tmp = shadow;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), std::streamsize(bytes.size()));
    if (!out) return Status::InvalidArgument("cannot write shadow copy " + tmp.string());
  }
  fs::permissions(tmp, fs::perms::owner_read | fs::perms::owner_exec, ec);
  fs::rename(tmp, shadow, ec);
  if (ec) return Status::InvalidArgument("cannot place shadow copy: " + ec.message());
  return shadow;
}

// The embedded manifest, without our own key: the egress allowlist it declares moves into
// `info.egress_hosts` (/crmManifest shows the rest).
Status ReadManifest(const char* manifest_json, PluginInfo& info) {
  if (!manifest_json) return Status::OK();
  boost::system::error_code jec;
  info.manifest = json::parse(manifest_json, jec);
  if (jec || !info.manifest.is_object())
    return Status::InvalidArgument("embedded manifest_json is not a JSON object");
  json::object& m = info.manifest.get_object();
  auto it = m.find(kEgressKey);
  if (it == m.end()) return Status::OK();
  const json::array* list = it->value().if_array();
  const std::string not_a_list = std::string(kEgressKey) + " must be an array of host patterns";
  if (!list) return Status::InvalidArgument(not_a_list);
  std::vector<std::string> hosts;
  for (const json::value& h : *list) {
    if (!h.is_string()) return Status::InvalidArgument(not_a_list);
    if (std::string why = outbound::EgressPolicy::CheckPattern(h.get_string()); !why.empty())
      return Status::InvalidArgument(std::string(kEgressKey) + ": " + why);
    hosts.emplace_back(h.get_string());
  }
  info.egress_hosts = std::move(hosts);
  m.erase(it);
  return Status::OK();
}

}  // namespace

Loader::Loader(Options options, HostServices& host) : options_(std::move(options)), host_(host) {}

std::vector<fs::path> Loader::ListPluginFiles(const fs::path& dir) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (auto& e : fs::directory_iterator(dir, ec)) {
    std::error_code fec;
    if (e.is_regular_file(fec) && e.path().extension() == kPluginExtension &&
        e.path().filename().string().front() != '.')
      out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

Result<std::shared_ptr<PluginVersion>> Loader::Load(const fs::path& file,
                                                    const Acceptance& accept) const {
  auto bytes = ReadPluginFile(file, options_.max_file_bytes);
  if (!bytes.ok()) return Refuse(file, bytes.status().message());
  const std::string sha = Sha256Hex(*bytes);
  auto shadow = PlaceShadowCopy(file, options_.shadow_dir, *bytes, sha);
  if (!shadow.ok()) return Refuse(file, shadow.status().message());

  // 3. Map it and find the one entry symbol.
  auto lib = OpenLibrary(shadow->string());
  if (!lib.ok())
    return Refuse(file, "cannot be loaded as a shared library: " + lib.status().message());
  auto* entry = reinterpret_cast<crmh_plugin_entry_fn>(FindSymbol(lib.value(), CRMH_ENTRY_SYMBOL));
  if (!entry)
    return Refuse(
        file, std::string("not a crmhost plugin: it exports no ") + CRMH_ENTRY_SYMBOL + " symbol");

  // 4. The descriptor, before any plugin function runs.
  const crmh_plugin_descriptor* d = entry();
  if (Status st = CheckDescriptor(d, options_.abi_minor); !st.ok())
    return Refuse(file, st.message());
  PluginInfo info;
  info.name = d->name;
  info.version = d->version;
  info.abi = std::to_string(d->abi_major) + "." + std::to_string(d->abi_minor);
  info.build_info = d->build_info ? d->build_info : "";
  info.sha256 = sha;
  info.source = file.string();
  info.shadow = shadow->string();
  info.loaded_at_ms = NowMs();
  for (size_t i = 0; d->operations[i]; ++i)
    info.operations.emplace_back(d->operations[i]);
  if (Status st = ReadManifest(d->manifest_json, info); !st.ok()) return Refuse(file, st.message());
  if (DescriptorHas(d, kDescriptorRoutesEnd, 3)) {
    auto routes = ParseRoutes(d->routes_json, info.name);
    if (!routes.ok()) return Refuse(file, routes.status().message());
    info.routes = std::move(routes).value();
    const bool serves = std::find(info.operations.begin(), info.operations.end(), "serveRoute") !=
                        info.operations.end();
    if (!info.routes.empty() && !serves)
      return Refuse(file, "declares HTTP routes but does not implement the operation serveRoute");
  }
  if (accept) {
    if (auto why = accept(info)) return Refuse(file, *why);
  }
  if (!info.egress_hosts)
    spdlog::warn("plugin {} declares no outbound hosts ({}): it may reach any public host",
                 info.name, kEgressKey);

  // The allowlist applies from init on; a refusal puts the previous version's back.
  std::optional<std::optional<std::vector<std::string>>> previous_hosts;
  if (options_.egress) {
    previous_hosts = options_.egress->PluginHosts(info.name);
    options_.egress->SetPluginHosts(info.name, info.egress_hosts);
  }
  auto refuse = [&](std::string why) {
    if (previous_hosts) options_.egress->SetPluginHosts(info.name, *previous_hosts);
    return Refuse(file, std::move(why));
  };

  // 5. init, then self_check. From here a refusal must shut the instance down.
  crmh_call call = host_.NewCall(info.name, "init");
  crmh_writer error;
  crmh_instance* instance = nullptr;
  crmh_status st = d->init(host_.api(), &call, &instance, &error);
  if (st != CRMH_OK) {
    return refuse("init failed (status " + std::to_string(st) + ")" +
                  (error.data.empty() ? "" : ": " + HostServices::Mask(error.data, call.secrets)));
  }
  auto version = std::make_shared<PluginVersion>(std::move(info), d, instance, host_);
  if (d->self_check) {
    crmh_writer check_error;
    crmh_call check_call = host_.NewCall(version->name(), "self_check");
    st = d->self_check(instance, &check_call, &check_error);
    if (st != CRMH_OK) {
      version->Shutdown();
      return refuse("self-check failed" +
                    (check_error.data.empty()
                         ? ""
                         : ": " + HostServices::Mask(check_error.data, check_call.secrets)));
    }
  }
  spdlog::debug("loaded {} from {} (sha256 {})", version->name(), file.string(), sha);
  return version;
}

}  // namespace crmhost::plugins

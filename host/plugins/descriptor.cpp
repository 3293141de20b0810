#include "plugins/descriptor.h"

#include <cstdio>
#include <string>

namespace crmhost::plugins {
namespace {

bool IsDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return !(s.size() > 1 && s[0] == '0');  // no leading zeros in numeric identifiers
}

bool IsIdentifierChars(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    bool ok =
        (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
    if (!ok) return false;
  }
  return true;
}

bool DotSeparatedIdentifiers(std::string_view s) {
  size_t start = 0;
  while (true) {
    size_t dot = s.find('.', start);
    std::string_view part =
        s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (!IsIdentifierChars(part)) return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

bool IsOperationName(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return false;
  return true;
}

std::string Quote(const char* s) {
  return s ? "'" + std::string(s).substr(0, 80) + "'" : "(null)";
}

}  // namespace

bool IsValidPluginName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

bool IsSemver(std::string_view v) {
  size_t plus = v.find('+');
  if (plus != std::string_view::npos) {
    if (!DotSeparatedIdentifiers(v.substr(plus + 1))) return false;
    v = v.substr(0, plus);
  }
  size_t dash = v.find('-');
  if (dash != std::string_view::npos) {
    if (!DotSeparatedIdentifiers(v.substr(dash + 1))) return false;
    v = v.substr(0, dash);
  }
  size_t d1 = v.find('.');
  if (d1 == std::string_view::npos) return false;
  size_t d2 = v.find('.', d1 + 1);
  if (d2 == std::string_view::npos) return false;
  return IsDigits(v.substr(0, d1)) && IsDigits(v.substr(d1 + 1, d2 - d1 - 1)) &&
         IsDigits(v.substr(d2 + 1));
}

Status CheckDescriptor(const crmh_plugin_descriptor* d, uint16_t host_minor) {
  if (!d) return Status::InvalidArgument("entry point returned no descriptor");
  if (d->magic != CRMH_PLUGIN_MAGIC) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(d->magic));
    return Status::InvalidArgument(std::string("wrong magic 0x") + buf +
                                   " (not a crmhost plugin descriptor)");
  }
  if (d->abi_major != CRMH_ABI_MAJOR) {
    return Status::InvalidArgument("ABI major " + std::to_string(d->abi_major) +
                                   ", host supports " + std::to_string(CRMH_ABI_MAJOR));
  }
  if (d->abi_minor > host_minor) {
    return Status::InvalidArgument(
        "ABI minor " + std::to_string(d->abi_minor) + " is newer than this host's " +
        std::to_string(CRMH_ABI_MAJOR) + "." + std::to_string(host_minor) +
        "; upgrade crmhost or build the plugin against ABI " + std::to_string(CRMH_ABI_MAJOR) +
        "." + std::to_string(host_minor));
  }
  if (d->struct_size < kDescriptorV1Size) {
    return Status::InvalidArgument("descriptor struct_size " + std::to_string(d->struct_size) +
                                   " is smaller than ABI 1.0's " +
                                   std::to_string(kDescriptorV1Size));
  }
  if (!d->name || !IsValidPluginName(d->name)) {
    return Status::InvalidArgument("plugin name " + Quote(d->name) +
                                   " is invalid: use 1-64 of A-Z a-z 0-9 _ -");
  }
  if (!d->version || !IsSemver(d->version)) {
    return Status::InvalidArgument("version " + Quote(d->version) +
                                   " is not semantic versioning (MAJOR.MINOR.PATCH)");
  }
  if (!d->init) return Status::InvalidArgument("descriptor has no init function");
  if (!d->invoke) return Status::InvalidArgument("descriptor has no invoke function");
  if (!d->shutdown) return Status::InvalidArgument("descriptor has no shutdown function");
  if (!d->operations) return Status::InvalidArgument("descriptor lists no operations");
  size_t n = 0;
  for (; d->operations[n]; ++n) {
    if (n >= 256)
      return Status::InvalidArgument("operations list is not NULL-terminated within 256 entries");
    if (!IsOperationName(d->operations[n]))
      return Status::InvalidArgument("operation name " + Quote(d->operations[n]) + " is invalid");
    // A name the host does not know would never be called: most likely a misspelling, which
    // would otherwise show only as "not implemented" in production. (A plugin built for a newer
    // ABI minor, whose table may be longer, is refused above.)
    if (!FindOperation(d->operations[n]))
      return Status::InvalidArgument("operation " + Quote(d->operations[n]) +
                                     " is not one this host calls (see docs/PLUGIN_ABI.md, "
                                     "Operations)");
  }
  for (const OperationSpec& spec : kOperations) {
    if (!spec.required) continue;
    bool found = false;
    for (size_t i = 0; i < n && !found; ++i)
      found = spec.name == d->operations[i];
    if (!found)
      return Status::InvalidArgument("required operation " + std::string(spec.name) +
                                     " is missing");
  }
  return Status::OK();
}

}  // namespace crmhost::plugins

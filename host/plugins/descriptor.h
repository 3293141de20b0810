// Validation of a plugin's descriptor before any of its functions runs. Every refusal names
// the field and the values, e.g. "ABI major 2, host supports 1".
#ifndef CRMHOST_PLUGINS_DESCRIPTOR_H
#define CRMHOST_PLUGINS_DESCRIPTOR_H

#include <crmhost/plugin.h>

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "crmhost/status.h"
#include "plugins/operations.h"

namespace crmhost::plugins {

// Size of the descriptor as ABI 1.0 defined it; a smaller struct_size is a corrupt or
// foreign descriptor.
inline constexpr size_t kDescriptorV1Size =
    offsetof(crmh_plugin_descriptor, shutdown) + sizeof(void (*)(crmh_instance*, crmh_call*));

// `host_minor`: the ABI minor this host claims (tests claim an older one to play an older host).
Status CheckDescriptor(const crmh_plugin_descriptor* d, uint16_t host_minor = CRMH_ABI_MINOR);

// Whether the descriptor carries the field that ends at `field_end` (struct_size covers it and
// the plugin was built against a minor that has it).
inline bool DescriptorHas(const crmh_plugin_descriptor* d, size_t field_end, uint16_t minor) {
  return d->abi_minor >= minor && d->struct_size >= field_end;
}
inline constexpr size_t kDescriptorRoutesEnd =
    offsetof(crmh_plugin_descriptor, routes_json) + sizeof(const char*);

bool IsValidPluginName(std::string_view name);
bool IsSemver(std::string_view version);

}  // namespace crmhost::plugins

#endif  // CRMHOST_PLUGINS_DESCRIPTOR_H

// Validation of a plugin's descriptor before any of its functions runs. Every refusal names
// the field and the values, e.g. "ABI major 2, host supports 1".
#ifndef CRMHOST_PLUGINS_DESCRIPTOR_H
#define CRMHOST_PLUGINS_DESCRIPTOR_H

#include <crmhost/plugin.h>

#include <string_view>

#include "crmhost/status.h"
#include "plugins/operations.h"

namespace crmhost::plugins {

// Size of the descriptor as ABI 1.0 defined it; a smaller struct_size is a corrupt or
// foreign descriptor.
inline constexpr size_t kDescriptorV1Size =
    offsetof(crmh_plugin_descriptor, shutdown) + sizeof(void (*)(crmh_instance*, crmh_call*));

Status CheckDescriptor(const crmh_plugin_descriptor* d);

bool IsValidPluginName(std::string_view name);
bool IsSemver(std::string_view version);

}  // namespace crmhost::plugins

#endif  // CRMHOST_PLUGINS_DESCRIPTOR_H

// The phone_parse host service (ABI 1.2): phone numbers read by Google's libphonenumber, the
// library the reference's connectors use (through awesome-phonenumber), so that every plugin
// judges validity and the national significant number exactly as the reference does.
//
// Why a host service and not each plugin's own dependency: see docs/PLUGIN_ABI.md, "Phone
// numbers". Thread-safe (libphonenumber's PhoneNumberUtil is a read-only singleton after its
// first use, which happens at daemon start, not on a request).
#ifndef CRMHOST_PLUGINS_PHONE_SERVICE_H
#define CRMHOST_PLUGINS_PHONE_SERVICE_H

#include <crmhost/plugin.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace crmhost::plugins {

// What phone_parse hands a plugin, as owned strings (the host keeps them in the call's arena).
struct PhoneReading {
  bool parsed = false;
  uint32_t flags = 0;  // CRMH_PHONE_VALID | CRMH_PHONE_POSSIBLE
  int32_t country_code = 0;
  int32_t type = CRMH_PHONE_TYPE_UNKNOWN;
  std::string region, significant, e164, international, national;
};

// Reads `text` (see crmh_host_api.phone_parse for what it accepts). `options`:
// CRMH_PHONE_WANT_* bits.
PhoneReading ReadPhone(std::string_view text, std::string_view default_region, uint32_t options);

// Loads libphonenumber's metadata (~4 MB, ~20 ms) so that the first request does not pay it.
void WarmUpPhoneNumbers();

}  // namespace crmhost::plugins

#endif  // CRMHOST_PLUGINS_PHONE_SERVICE_H

// Pins the ABI 1.x layout: a reordered, resized or inserted field fails here, not at a
// customer's site. Offsets are for LP64 (x86-64, aarch64 Linux); see docs/PLUGIN_ABI.md.
#include <crmhost/plugin.h>
#include <catch2/catch.hpp>

#include <cstddef>

#include "plugins/loader.h"
#include "runtime/digest.h"
#include "support/files.h"

static_assert(sizeof(void*) == 8, "layout pinned for LP64");

TEST_CASE("abi: version, magic and status codes are frozen", "[abi]") {
  CHECK(CRMH_ABI_MAJOR == 1);
  CHECK(CRMH_ABI_MINOR == 3);
  CHECK(CRMH_HTTP_FOLLOW_REDIRECTS == 1u);
  CHECK(CRMH_PLUGIN_MAGIC == 0x43524D48504C5547ull);
  CHECK(CRMH_OK == 0);
  CHECK(CRMH_E_UNSUPPORTED == 1);
  CHECK(CRMH_E_INVALID == 2);
  CHECK(CRMH_E_UPSTREAM == 3);
  CHECK(CRMH_E_INTERNAL == 4);
  CHECK(CRMH_E_TIMEOUT == 5);
  CHECK(CRMH_E_TRANSPORT == 6);
  CHECK(CRMH_E_TOO_LARGE == 7);
  CHECK(CRMH_E_DENIED == 8);
  CHECK(CRMH_E_NOT_FOUND == 9);
  CHECK(std::string(CRMH_ENTRY_SYMBOL) == "crmh_plugin_entry");
}

TEST_CASE("abi: struct layouts of ABI 1.0", "[abi]") {
  CHECK(sizeof(crmh_view) == 16);
  CHECK(offsetof(crmh_view, ptr) == 0);
  CHECK(offsetof(crmh_view, len) == 8);
  CHECK(sizeof(crmh_header) == 32);

  CHECK(offsetof(crmh_http_request, struct_size) == 0);
  CHECK(offsetof(crmh_http_request, timeout_ms) == 4);
  CHECK(offsetof(crmh_http_request, method) == 8);
  CHECK(offsetof(crmh_http_request, url) == 24);
  CHECK(offsetof(crmh_http_request, headers) == 40);
  CHECK(offsetof(crmh_http_request, header_count) == 48);
  CHECK(offsetof(crmh_http_request, body) == 56);
  // ABI 1.1 appended flags: 1.0 plugins pass struct_size 72 and the host never reads it.
  CHECK(offsetof(crmh_http_request, flags) == 72);
  CHECK(sizeof(crmh_http_request) == 80);

  CHECK(offsetof(crmh_http_response, struct_size) == 0);
  CHECK(offsetof(crmh_http_response, status) == 4);
  CHECK(offsetof(crmh_http_response, headers) == 8);
  CHECK(offsetof(crmh_http_response, header_count) == 16);
  CHECK(offsetof(crmh_http_response, body) == 24);
  CHECK(offsetof(crmh_http_response, error) == 40);
  CHECK(sizeof(crmh_http_response) == 56);

  CHECK(offsetof(crmh_host_api, struct_size) == 0);
  CHECK(offsetof(crmh_host_api, abi_major) == 4);
  CHECK(offsetof(crmh_host_api, abi_minor) == 6);
  CHECK(offsetof(crmh_host_api, write) == 8);
  CHECK(offsetof(crmh_host_api, log) == 16);
  CHECK(offsetof(crmh_host_api, http) == 24);
  CHECK(offsetof(crmh_host_api, kv_get) == 32);
  CHECK(offsetof(crmh_host_api, kv_put) == 40);
  CHECK(offsetof(crmh_host_api, kv_delete) == 48);
  CHECK(offsetof(crmh_host_api, setting) == 56);
  CHECK(offsetof(crmh_host_api, now_ms) == 64);
  // ABI 1.2 appended phone_parse: a 1.0 or 1.1 plugin never reads beyond 72.
  CHECK(offsetof(crmh_host_api, phone_parse) == 72);
  CHECK(sizeof(crmh_host_api) == 80);

  CHECK(offsetof(crmh_plugin_descriptor, magic) == 0);
  CHECK(offsetof(crmh_plugin_descriptor, struct_size) == 8);
  CHECK(offsetof(crmh_plugin_descriptor, abi_major) == 12);
  CHECK(offsetof(crmh_plugin_descriptor, abi_minor) == 14);
  CHECK(offsetof(crmh_plugin_descriptor, name) == 16);
  CHECK(offsetof(crmh_plugin_descriptor, version) == 24);
  CHECK(offsetof(crmh_plugin_descriptor, build_info) == 32);
  CHECK(offsetof(crmh_plugin_descriptor, operations) == 40);
  CHECK(offsetof(crmh_plugin_descriptor, manifest_json) == 48);
  CHECK(offsetof(crmh_plugin_descriptor, init) == 56);
  CHECK(offsetof(crmh_plugin_descriptor, self_check) == 64);
  CHECK(offsetof(crmh_plugin_descriptor, invoke) == 72);
  CHECK(offsetof(crmh_plugin_descriptor, shutdown) == 80);
  // ABI 1.3 appended routes_json: a 1.0-1.2 plugin's descriptor ends at 88.
  CHECK(offsetof(crmh_plugin_descriptor, routes_json) == 88);
  CHECK(sizeof(crmh_plugin_descriptor) == 96);
}

TEST_CASE("abi: phone numbers (ABI 1.2)", "[abi]") {
  CHECK(offsetof(crmh_phone_number, struct_size) == 0);
  CHECK(offsetof(crmh_phone_number, flags) == 4);
  CHECK(offsetof(crmh_phone_number, country_code) == 8);
  CHECK(offsetof(crmh_phone_number, type) == 12);
  CHECK(offsetof(crmh_phone_number, region) == 16);
  CHECK(offsetof(crmh_phone_number, significant) == 32);
  CHECK(offsetof(crmh_phone_number, e164) == 48);
  CHECK(offsetof(crmh_phone_number, international) == 64);
  CHECK(offsetof(crmh_phone_number, national) == 80);
  CHECK(sizeof(crmh_phone_number) == 96);
  CHECK(CRMH_PHONE_VALID == 1u);
  CHECK(CRMH_PHONE_POSSIBLE == 2u);
  CHECK(CRMH_PHONE_WANT_FORMATS == 1u);
  CHECK(CRMH_PHONE_WANT_TYPE == 2u);
  CHECK(CRMH_PHONE_TYPE_UNKNOWN == 0);
  CHECK(CRMH_PHONE_TYPE_FIXED_LINE == 1);
  CHECK(CRMH_PHONE_TYPE_MOBILE == 2);
  CHECK(CRMH_PHONE_TYPE_FIXED_LINE_OR_MOBILE == 3);
  CHECK(CRMH_PHONE_TYPE_TOLL_FREE == 4);
  CHECK(CRMH_PHONE_TYPE_PREMIUM_RATE == 5);
  CHECK(CRMH_PHONE_TYPE_SHARED_COST == 6);
  CHECK(CRMH_PHONE_TYPE_VOIP == 7);
  CHECK(CRMH_PHONE_TYPE_PERSONAL_NUMBER == 8);
  CHECK(CRMH_PHONE_TYPE_PAGER == 9);
  CHECK(CRMH_PHONE_TYPE_UAN == 10);
  CHECK(CRMH_PHONE_TYPE_VOICEMAIL == 11);
}

TEST_CASE("abi: the frozen ABI 1.0 header is unchanged", "[abi]") {
  // tests/abi/v1.0 keeps the header plugins were built against when 1.0 shipped; the
  // abi_v1_0 test plugin is compiled from it. Editing it would hide a break: it is pinned here.
  const std::string text = crmhost::testing::ReadFile(std::string(CRMHOST_SOURCE_DIR) +
                                                      "/tests/abi/v1.0/include/crmhost/plugin.h");
  REQUIRE_FALSE(text.empty());
  CHECK(crmhost::Sha256Hex(text) ==
        "79d0550e1f84d30bf73cd633d817fcc4b51c57221cf7a7003fc4450e9990ba55");
}

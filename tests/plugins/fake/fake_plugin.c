/* A minimal crmhost plugin in plain C (C11, no C++ runtime): proof that the ABI is C, and,
 * compiled with one FAKE_* macro at a time, one plugin per loader refusal:
 *   FAKE_WRONG_MAGIC, FAKE_MAJOR_PLUS_ONE, FAKE_NEWER_MINOR, FAKE_SHORT_STRUCT,
 *   FAKE_NO_ENTRY, FAKE_INIT_FAILS, FAKE_MISSING_OPERATION, FAKE_BAD_VERSION,
 *   FAKE_SELF_CHECK_FAILS.
 * The valid build answers getAuthType/createCallLog/updateCallLog/findContact with canned JSON
 * and uses the kv and setting host services, so tests can see them work through the C ABI. */
#include <crmhost/plugin.h>
#include <stdlib.h>
#include <string.h>

/* The route variants (ABI 1.3): their names and routes.
 *   FAKE_ROUTES           "croutes", GET /croutes/{id}: serves it (echoes the id and query)
 *   FAKE_ROUTES_CONTRACT  "callLog", POST /callLog: a contract route's path (refused)
 *   FAKE_ROUTES_OVERLAP   "testcrm-hook", POST /testcrm-hook: testcrm's route (refused)
 *   FAKE_ROUTES_NO_SERVE  "cnoserve", GET /cnoserve/x without serveRoute (refused) */
#if defined(FAKE_ROUTES)
#define FAKE_NAME "croutes"
#define FAKE_ROUTES_JSON "[{\"method\":\"GET\",\"path\":\"/croutes/{id}\",\"auth\":\"none\"}]"
#elif defined(FAKE_ROUTES_CONTRACT)
#define FAKE_NAME "callLog"
#define FAKE_ROUTES_JSON "[{\"method\":\"POST\",\"path\":\"/callLog\",\"auth\":\"none\"}]"
#elif defined(FAKE_ROUTES_OVERLAP)
#define FAKE_NAME "testcrm-hook"
#define FAKE_ROUTES_JSON "[{\"method\":\"POST\",\"path\":\"/testcrm-hook\",\"auth\":\"none\"}]"
#elif defined(FAKE_ROUTES_NO_SERVE)
#define FAKE_NAME "cnoserve"
#define FAKE_ROUTES_JSON "[{\"method\":\"GET\",\"path\":\"/cnoserve/x\",\"auth\":\"none\"}]"
#endif
#if defined(FAKE_ROUTES_JSON) && !defined(FAKE_ROUTES_NO_SERVE)
#define FAKE_SERVES_ROUTES 1
#endif

#ifndef FAKE_NAME
#define FAKE_NAME "cminimal"
#endif

struct crmh_instance {
  const crmh_host_api* host;
  int calls;
};

static void put(const crmh_host_api* h, crmh_writer* w, const char* s) {
  h->write(w, s, strlen(s));
}

static int eq(crmh_view v, const char* s) {
  return v.len == strlen(s) && memcmp(v.ptr, s, v.len) == 0;
}

static crmh_status fake_init(const crmh_host_api* host, crmh_call* call, crmh_instance** out,
                             crmh_writer* error) {
  (void)call;
#ifdef FAKE_INIT_FAILS
  host->write(error, "database unreachable", 20);
  *out = NULL;
  return CRMH_E_INTERNAL;
#else
  (void)error;
  crmh_instance* inst = calloc(1, sizeof *inst);
  if (!inst) return CRMH_E_INTERNAL;
  inst->host = host;
  *out = inst;
  return CRMH_OK;
#endif
}

static crmh_status fake_invoke(crmh_instance* inst, crmh_call* call, crmh_view op, crmh_view input,
                               crmh_writer* out) {
  const crmh_host_api* h = inst->host;
  (void)input;
  inst->calls++;
  if (eq(op, "getAuthType")) {
    put(h, out, "\"apiKey\"");
  } else if (eq(op, "getBasicAuth")) {
    put(h, out, "\"Yzpt\"");
  } else if (eq(op, "createCallLog")) {
    put(h, out, "{\"logId\":\"c-1\"}");
  } else if (eq(op, "updateCallLog")) {
    put(h, out, "{\"updatedNote\":\"\"}");
#ifdef FAKE_SERVES_ROUTES
  } else if (eq(op, "serveRoute")) {
    /* The input is the host's JSON; a C plugin without a JSON parser hands part of it back. */
    put(h, out, "{\"status\":201,\"headers\":{\"content-type\":\"application/json\"},");
    put(h, out, "\"json\":{\"plugin\":\"" FAKE_NAME "\",\"input\":");
    h->write(out, input.ptr, input.len);
    put(h, out, "}}");
#endif
  } else if (eq(op, "findContact")) {
    /* Round-trips a value through the host's kv store and echoes a setting. */
    crmh_view got = {0, 0}, setting = {0, 0};
    crmh_view key = {"k", 1}, val = {"v1", 2}, name = {"greeting", 8};
    h->kv_put(call, key, val, 0);
    h->kv_get(call, key, &got);
    int has_setting = h->setting(call, name, &setting) == CRMH_OK;
    put(h, out, "{\"successful\":true,\"matchedContactInfo\":[{\"id\":1,\"name\":\"");
    h->write(out, got.ptr, got.len);
    if (has_setting) {
      put(h, out, " ");
      h->write(out, setting.ptr, setting.len);
    }
    put(h, out, "\",\"type\":\"contact\"}]}");
  } else {
    return CRMH_E_UNSUPPORTED;
  }
  return CRMH_OK;
}

#ifdef FAKE_SELF_CHECK_FAILS
static crmh_status fake_self_check(crmh_instance* inst, crmh_call* call, crmh_writer* error) {
  (void)call;
  put(inst->host, error, "setting 'greeting' is required");
  return CRMH_E_INVALID;
}
#define FAKE_SELF_CHECK fake_self_check
#else
#define FAKE_SELF_CHECK NULL
#endif

static void fake_shutdown(crmh_instance* inst, crmh_call* call) {
  (void)call;
  free(inst);
}

static const char* const kOps[] = {"getAuthType",
                                   "getBasicAuth",
#ifndef FAKE_MISSING_OPERATION
                                   "createCallLog",
#endif
                                   "updateCallLog",
                                   "findContact",
#ifdef FAKE_UNKNOWN_OPERATION
                                   "findContactz", /* a misspelling the loader must refuse */
#endif
#ifdef FAKE_SERVES_ROUTES
                                   "serveRoute",
#endif
                                   NULL};

static const crmh_plugin_descriptor kDescriptor = {
#ifdef FAKE_WRONG_MAGIC
    UINT64_C(0x4E4F545048554753),
#else
    CRMH_PLUGIN_MAGIC,
#endif
#ifdef FAKE_SHORT_STRUCT
    40,
#else
    sizeof(crmh_plugin_descriptor),
#endif
#ifdef FAKE_MAJOR_PLUS_ONE
    CRMH_ABI_MAJOR + 1,
#else
    CRMH_ABI_MAJOR,
#endif
#ifdef FAKE_NEWER_MINOR
    CRMH_ABI_MINOR + 1,
#else
    CRMH_ABI_MINOR,
#endif
    FAKE_NAME,
#ifdef FAKE_BAD_VERSION
    "one.two",
#else
    "0.3.1",
#endif
    "plain C test plugin",
    kOps,
    "{\"name\":\"" FAKE_NAME "\",\"displayName\":\"C minimal\"}",
    fake_init,
    FAKE_SELF_CHECK,
    fake_invoke,
    fake_shutdown,
#if CRMH_ABI_MINOR >= 3 /* the frozen 1.0 header (abi_v1_0) has no routes_json */
#ifdef FAKE_ROUTES_JSON
    FAKE_ROUTES_JSON,
#else
    NULL,
#endif
#endif
};

#ifndef FAKE_NO_ENTRY
#ifdef CRMH_PLUGIN_ENTRY
CRMH_PLUGIN_ENTRY() {
#else
/* The frozen ABI 1.0 header (the abi_v1_0 build) predates the macro: spelled out. */
CRMH_EXPORT const crmh_plugin_descriptor* crmh_plugin_entry(void) {
#endif
  return &kDescriptor;
}
#else
/* Exports nothing the host looks for; keeps the descriptor referenced. */
const crmh_plugin_descriptor* not_the_entry(void) {
  return &kDescriptor;
}
#endif

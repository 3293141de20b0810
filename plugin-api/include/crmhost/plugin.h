/*
 * crmhost/plugin.h -- the crmhost plugin ABI, version 1.3.
 *
 * A crmhost plugin is a shared library (.so / .dll) that teaches the crmhost daemon one or
 * more CRMs. The daemon loads it at run time, hands it App Connect connector operations
 * ("findContact", "createCallLog", ...) as JSON documents, and receives JSON documents back.
 * Everything the plugin needs from the outside world (HTTP, storage, settings, logging, the
 * clock) it gets from the host through the crmh_host_api table below.
 *
 * This header is the one interface crmhost can never take back. It is plain C99 with only
 * <stddef.h> and <stdint.h>, so plugins can be written in C, C++, Rust or anything else that
 * speaks the C ABI. crmhost/plugin.hpp is an optional header-only C++ SDK on top of it.
 *
 * Conventions (they hold for every declaration below):
 *
 *  1. Names: types and functions are prefixed crmh_, macros CRMH_. The host never calls a
 *     plugin symbol other than the single entry point named by CRMH_ENTRY_SYMBOL.
 *  2. Versioning: CRMH_ABI_MAJOR changes only when something is removed or changes meaning;
 *     the host refuses a plugin whose major differs from its own. CRMH_ABI_MINOR grows when
 *     fields are appended; the host refuses a plugin built against a newer minor than its own
 *     (it would not know the new fields), and accepts any older minor.
 *  3. Growth: every struct that crosses the line starts with `uint32_t struct_size`, filled by
 *     whoever allocated the struct, with one exception: the descriptor starts with its 8-byte
 *     magic, so that a host can tell a crmhost plugin from any other library before it trusts
 *     anything else in it; its struct_size follows at offset 8. New fields are only ever
 *     appended, under an "ABI 1.x" marker. A reader never touches a field that lies beyond the
 *     struct_size it was given. The CRMH_LAYOUT_PIN lines at the end of this header and
 *     tests/abi/abi_layout_test pin the offset of every field.
 *  4. Strings: crmh_view is a borrowed (pointer, length) pair; it is NOT NUL-terminated and
 *     may contain NUL bytes. UTF-8 text everywhere. The only NUL-terminated strings are the
 *     static `const char *` fields of the descriptor.
 *  5. Ownership: nobody frees what the other side allocated. Views passed *into* a plugin
 *     function are valid until that function returns. Views the host returns *from* a host
 *     service (HTTP responses, kv values, settings) are host memory that stays valid until
 *     the plugin function that received the crmh_call returns. Results flow back only through
 *     a host-owned crmh_writer. Instances (crmh_instance) are plugin memory.
 *  6. Errors: functions return crmh_status (0 = CRMH_OK). A failing plugin function may write
 *     a human-readable reason (or, for CRMH_E_UPSTREAM, a JSON document, see invoke) to the
 *     writer it was given.
 *  7. No exceptions, longjmps or C++ types cross the line. A C++ plugin catches everything at
 *     its exported functions (plugin.hpp does this for you).
 *  8. Threads: init, self_check and shutdown are called on one control thread, never
 *     concurrently with each other. invoke is called concurrently from many threads and must
 *     be reentrant; one invocation runs on one thread from start to return (the host may run
 *     other invocations on that thread while this one waits in http). Host services are
 *     thread-safe, but a crmh_call may only be used on the thread running the plugin function
 *     it was passed to, and only until that returns.
 *  9. Blocking: a plugin does I/O only through host services and never blocks a thread in
 *     any other way (no sleeps, no own sockets, no waiting on other threads). This lets the
 *     host run plugin code on stackful coroutines without changing this ABI.
 * 10. Trust: a plugin runs inside the daemon's process with the daemon's rights. The ABI is
 *     an interface, not a sandbox; install only plugins you trust.
 * 11. Limits: what the host accepts is bounded by the CRMH_MAX_* values below; they may grow in
 *     a later minor version, never shrink.
 *
 * Each function below says who calls it, on which thread, what each parameter is, what it
 * returns, and who owns what. docs/PLUGIN_ABI.md explains the operations' JSON documents.
 */
#ifndef CRMHOST_PLUGIN_H
#define CRMHOST_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ----------------------------------------------------------------------------------------
 * Versions and identity
 * ------------------------------------------------------------------------------------- */

#define CRMH_ABI_MAJOR 1
#define CRMH_ABI_MINOR 3

/* First 8 bytes of every descriptor: the ASCII text "CRMHPLUG" read as a big-endian number.
 * A wrong magic means "this library is not a crmhost plugin" (or is corrupt). */
#define CRMH_PLUGIN_MAGIC UINT64_C(0x43524D48504C5547)

/* The single symbol every plugin exports, of type crmh_plugin_entry_fn. */
#define CRMH_ENTRY_SYMBOL "crmh_plugin_entry"

#if defined(_WIN32)
#define CRMH_EXPORT __declspec(dllexport)
#else
#define CRMH_EXPORT __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
#define CRMH_EXTERN_C extern "C"
#else
#define CRMH_EXTERN_C
#endif

/* Declares the entry point with its exact name, C linkage and export visibility, in C and C++.
 * Follow it with the body:
 *
 *   CRMH_PLUGIN_ENTRY() { return &my_descriptor; }
 *
 * (The C++ SDK's CRMHOST_PLUGIN(Class) does this for you.) */
#define CRMH_PLUGIN_ENTRY() \
  CRMH_EXTERN_C CRMH_EXPORT const crmh_plugin_descriptor* crmh_plugin_entry(void)

/* ----------------------------------------------------------------------------------------
 * Limits (convention 11)
 * ------------------------------------------------------------------------------------- */

/* Bytes one writer takes (an operation's output, an error text). Beyond it the host drops the
 * rest and fails the operation after the plugin returns. */
#define CRMH_MAX_OUTPUT_BYTES (16u * 1024u * 1024u)
/* Bytes of a kv key; a longer key is refused (CRMH_E_INVALID for kv_get/kv_delete,
 * CRMH_E_TOO_LARGE for kv_put). */
#define CRMH_MAX_KV_KEY_BYTES 1024u
/* Bytes of a kv value; kv_put refuses a larger one with CRMH_E_TOO_LARGE. */
#define CRMH_MAX_KV_VALUE_BYTES (1024u * 1024u)
/* Bytes of an outbound response body; a larger answer fails with CRMH_E_TOO_LARGE. */
#define CRMH_MAX_HTTP_RESPONSE_BYTES (32u * 1024u * 1024u)
/* Redirect hops http follows when asked to (CRMH_HTTP_FOLLOW_REDIRECTS). */
#define CRMH_MAX_HTTP_REDIRECTS 5

/* ----------------------------------------------------------------------------------------
 * Basic types
 * ------------------------------------------------------------------------------------- */

/* Status codes. A signed 32-bit integer (not an enum, whose size C leaves open). */
typedef int32_t crmh_status;
#define CRMH_OK 0
/* The plugin does not implement the requested operation. */
#define CRMH_E_UNSUPPORTED 1
/* The input document was not usable (missing or mistyped field). */
#define CRMH_E_INVALID 2
/* The CRM answered with an error. For invoke, the output holds the JSON object
 * {"statusCode": <HTTP status or 0>, "message": "<reason>"} which the host turns into the
 * App Connect returnMessage for that operation (rate limit, authorization, ...). */
#define CRMH_E_UPSTREAM 3
/* A bug or unexpected state inside the plugin (including a caught C++ exception). */
#define CRMH_E_INTERNAL 4
/* Host service results: */
#define CRMH_E_TIMEOUT 5   /* the outbound request did not finish in time */
#define CRMH_E_TRANSPORT 6 /* DNS, connect, TLS or protocol failure; no HTTP status */
#define CRMH_E_TOO_LARGE 7 /* a response or value exceeded the host's size limit */
#define CRMH_E_DENIED 8    /* the host's outbound policy refused the URL */
#define CRMH_E_NOT_FOUND 9 /* kv key or setting does not exist */

/* Log levels for crmh_host_api.log. */
#define CRMH_LOG_DEBUG 0
#define CRMH_LOG_INFO 1
#define CRMH_LOG_WARN 2
#define CRMH_LOG_ERROR 3

/* A borrowed byte range. Not NUL-terminated. See conventions 4 and 5 for lifetime. */
typedef struct crmh_view {
  const char* ptr;
  size_t len;
} crmh_view;

/* One HTTP header. Names are case-insensitive; the host lower-cases response names. */
typedef struct crmh_header {
  crmh_view name;
  crmh_view value;
} crmh_header;

/* Host-owned handle for one plugin function invocation: it tells host services which plugin
 * is calling (kv namespace, settings, log prefix, secrets to mask) and owns the memory of
 * views returned by host services during that invocation.
 * OWNERSHIP: host. Valid until the plugin function it was passed to returns. */
typedef struct crmh_call crmh_call;

/* Host-owned output buffer. The plugin appends bytes with crmh_host_api.write.
 * OWNERSHIP: host. Valid until the plugin function it was passed to returns. */
typedef struct crmh_writer crmh_writer;

/* Plugin-owned state created by init and destroyed by shutdown. Opaque to the host.
 * OWNERSHIP: plugin. */
typedef struct crmh_instance crmh_instance;

/* ----------------------------------------------------------------------------------------
 * Host services (the host fills this table; the plugin calls it)
 * ------------------------------------------------------------------------------------- */

/* An outbound HTTP request, built by the plugin.
 * OWNERSHIP: plugin; every view must stay valid until http() returns. */
typedef struct crmh_http_request {
  uint32_t struct_size; /* sizeof(crmh_http_request) as the plugin knows it */
  uint32_t timeout_ms;  /* whole-request deadline; 0 = the host's default */
  crmh_view method;     /* "GET", "POST", "PUT", "PATCH", "DELETE" */
  crmh_view url;        /* absolute http:// or https:// URL, already percent-encoded */
  const crmh_header* headers;
  size_t header_count;
  crmh_view body; /* may be empty */
  /* ABI 1.0 ends here. */

  /* ABI 1.1 */
  /* CRMH_HTTP_* bits. The host reads this field only when struct_size covers it, so a request
   * built against 1.0 has no flags set. */
  uint32_t flags;
} crmh_http_request;

/* crmh_http_request.flags (ABI 1.1): */
/* Follow 301/302/303/307/308 answers (at most CRMH_MAX_HTTP_REDIRECTS). Without it the redirect is
 * the answer. Each hop is judged by the host's outbound policy again, and credential headers
 * (Authorization, Cookie, API-key headers) are dropped when a hop leaves the original origin. */
#define CRMH_HTTP_FOLLOW_REDIRECTS UINT32_C(1)

/* The answer to an outbound request, filled by the host.
 * The plugin sets struct_size before the call; the host writes no field beyond it.
 * OWNERSHIP: every view points into host memory owned by the crmh_call, valid until the plugin
 * function that received that crmh_call returns. */
typedef struct crmh_http_response {
  uint32_t struct_size;
  int32_t status;             /* HTTP status code, or 0 when no response arrived */
  const crmh_header* headers; /* lower-cased names */
  size_t header_count;
  crmh_view body;
  crmh_view error; /* why http() did not return CRMH_OK; empty otherwise */
  /* ABI 1.0 ends here. */
} crmh_http_response;

/* A phone number as the host reads it (ABI 1.2), with Google's libphonenumber and the
 * metadata the host was built with: the same judgement of validity, the same national
 * significant number and the same formats for every plugin. Filled by phone_parse.
 * The plugin sets struct_size before the call; the host writes no field beyond it.
 * OWNERSHIP: every view points into host memory owned by the crmh_call, valid until the plugin
 * function that received that crmh_call returns. */
typedef struct crmh_phone_number {
  uint32_t struct_size;
  uint32_t flags;          /* CRMH_PHONE_VALID, CRMH_PHONE_POSSIBLE */
  int32_t country_code;    /* country calling code (1, 44, 49, ...); 0 when the text is no number */
  int32_t type;            /* CRMH_PHONE_TYPE_*; filled only when asked (CRMH_PHONE_WANT_TYPE) */
  crmh_view region;        /* ISO 3166-1 alpha-2 region of the number ("US", "GB"), "001" for
                              non-geographic numbers; empty when no region has it (invalid) */
  crmh_view significant;   /* national significant number, digits only ("4155551234") */
  crmh_view e164;          /* "+14155551234" */
  crmh_view international; /* "+1 415-555-1234"; filled only when asked (CRMH_PHONE_WANT_FORMATS) */
  crmh_view national;      /* "(415) 555-1234"; filled only when asked (CRMH_PHONE_WANT_FORMATS) */
  /* ABI 1.2 ends here. */
} crmh_phone_number;

/* crmh_phone_number.flags: */
#define CRMH_PHONE_VALID UINT32_C(1)    /* a number some region assigns (libphonenumber isValid) */
#define CRMH_PHONE_POSSIBLE UINT32_C(2) /* its length fits its country (isPossible) */

/* phone_parse options: what to compute beyond validity, region, significant number and E.164
 * (each costs a few microseconds more, so a plugin asks only for what it uses). */
#define CRMH_PHONE_WANT_FORMATS UINT32_C(1) /* international and national */
#define CRMH_PHONE_WANT_TYPE UINT32_C(2)    /* type */

/* crmh_phone_number.type: */
#define CRMH_PHONE_TYPE_UNKNOWN 0
#define CRMH_PHONE_TYPE_FIXED_LINE 1
#define CRMH_PHONE_TYPE_MOBILE 2
#define CRMH_PHONE_TYPE_FIXED_LINE_OR_MOBILE 3
#define CRMH_PHONE_TYPE_TOLL_FREE 4
#define CRMH_PHONE_TYPE_PREMIUM_RATE 5
#define CRMH_PHONE_TYPE_SHARED_COST 6
#define CRMH_PHONE_TYPE_VOIP 7
#define CRMH_PHONE_TYPE_PERSONAL_NUMBER 8
#define CRMH_PHONE_TYPE_PAGER 9
#define CRMH_PHONE_TYPE_UAN 10
#define CRMH_PHONE_TYPE_VOICEMAIL 11

typedef struct crmh_host_api {
  uint32_t struct_size; /* sizeof(crmh_host_api) as the host knows it */
  uint16_t abi_major;   /* the host's CRMH_ABI_MAJOR */
  uint16_t abi_minor;   /* the host's CRMH_ABI_MINOR; a plugin built against a newer minor
                           must not call fields beyond struct_size */

  /* ABI 1.0 */

  /* Appends bytes to a host-owned writer.
   * Called by: the plugin, on the thread running the function that received the writer, before
   * that function returns.
   * @param writer the writer the plugin function was given (output or error).
   * @param ptr    the bytes; OWNERSHIP: plugin, copied before write returns. NULL only with
   *               len 0.
   * @param len    how many.
   * Never fails: past CRMH_MAX_OUTPUT_BYTES the host drops the rest and, after the plugin
   * function returns, fails the operation with an error naming the limit. */
  void (*write)(crmh_writer* writer, const char* ptr, size_t len);

  /* Writes one log line attributed to this plugin and request. The host masks every secret it
   * knows for this call (tokens, API keys, passwords, settings marked secret) before the line
   * reaches any sink, so logging a request body is safe, but prefer not to.
   * Called by: the plugin, on the thread of the function that received `call`.
   * @param call  the current call.
   * @param level CRMH_LOG_DEBUG .. CRMH_LOG_ERROR; lower reads as DEBUG, higher as ERROR.
   * @param msg   UTF-8 text without a trailing newline; OWNERSHIP: plugin, copied. NULL only
   *              with len 0.
   * @param len   its length in bytes.
   * Never fails; the line is dropped when the host's log level is above `level`. */
  void (*log)(crmh_call* call, int32_t level, const char* msg, size_t len);

  /* Performs one outbound HTTP(S) request through the host's client (TLS with system CAs,
   * keep-alive pools, timeouts, size limits, test-time URL overrides). Blocks the calling
   * plugin function until the answer arrives (see convention 9); the host may run other
   * invocations on the same thread meanwhile (it suspends this one), so a plugin must not hold
   * a lock of its own across this call.
   * The host's outbound policy judges every request first: the URL's host must be in the
   * plugin's allowlist (its manifest's "x-crmhost-egress" plus the administrator's additions),
   * it must resolve to a public address (unless allowed), credentials go over https, and no
   * credentials may sit in the URL. A refused request returns CRMH_E_DENIED without any
   * connection being made. Redirects are not followed unless the request asks
   * (CRMH_HTTP_FOLLOW_REDIRECTS, ABI 1.1).
   * Called by: the plugin, on the thread of the function that received `call` (init,
   * self_check, invoke or shutdown).
   * @param call the current call; it owns the memory behind resp's views.
   * @param req  the request; OWNERSHIP: plugin, read before http returns.
   * @param resp filled by the host; the plugin sets resp->struct_size first. A body over
   *             CRMH_MAX_HTTP_RESPONSE_BYTES fails with CRMH_E_TOO_LARGE.
   * @return CRMH_OK when an HTTP response arrived, whatever its status code;
   *         CRMH_E_TIMEOUT / CRMH_E_TRANSPORT / CRMH_E_TOO_LARGE / CRMH_E_DENIED / CRMH_E_INVALID
   *         otherwise, with resp->status = 0 and resp->error set. */
  crmh_status (*http)(crmh_call* call, const crmh_http_request* req, crmh_http_response* resp);

  /* Per-plugin persistent key/value storage (kept in the host's store, encrypted at rest,
   * surviving restarts and plugin upgrades). Keys are scoped to the plugin's name: two plugins
   * never see each other's keys. Every version of one plugin shares them.
   * Called by: the plugin, on the thread of the function that received `call`.
   * Every kv function takes:
   * @param call the current call.
   * @param key  any bytes, at most CRMH_MAX_KV_KEY_BYTES; OWNERSHIP: plugin, read before the
   *             function returns.
   * Every kv function may also return CRMH_E_INTERNAL (the store failed; the host logs why). */

  /* Reads a value; an expired one reads as absent.
   * @param value receives the value; OWNERSHIP: host memory owned by `call`.
   * @return CRMH_OK and *value set, CRMH_E_NOT_FOUND, or CRMH_E_INVALID (key too long, value
   *         NULL). */
  crmh_status (*kv_get)(crmh_call* call, crmh_view key, crmh_view* value);
  /* Writes a value, replacing any earlier one, and returns once it is on disk (the host's
   * group commit; the invocation is suspended meanwhile, see convention 9).
   * @param value  at most CRMH_MAX_KV_VALUE_BYTES; OWNERSHIP: plugin, copied.
   * @param ttl_ms 0: keep until deleted; > 0: expires ttl_ms after now_ms; < 0: CRMH_E_INVALID.
   * @return CRMH_OK, CRMH_E_TOO_LARGE (key or value over its limit) or CRMH_E_INVALID. */
  crmh_status (*kv_put)(crmh_call* call, crmh_view key, crmh_view value, int64_t ttl_ms);
  /* Deletes a value; returns once the deletion is on disk, as kv_put.
   * @return CRMH_OK whether or not the key existed, or CRMH_E_INVALID (key too long). */
  crmh_status (*kv_delete)(crmh_call* call, crmh_view key);

  /* Reads a setting the administrator configured for this plugin (for the plugin "redtail",
   * `--plugin-setting redtail.api_key=...` is the setting "api_key").
   * Called by: the plugin, on the thread of the function that received `call`.
   * @param call  the current call.
   * @param name  the setting's name; OWNERSHIP: plugin.
   * @param value receives the value; OWNERSHIP: host memory, valid at least as long as `call`.
   * @return CRMH_OK and *value set, CRMH_E_NOT_FOUND, or CRMH_E_INVALID (value NULL). */
  crmh_status (*setting)(crmh_call* call, crmh_view name, crmh_view* value);

  /* Wall-clock time in milliseconds since the Unix epoch, as the host sees it (tests may move
   * it). Plugins use this instead of the system clock.
   * Called by: the plugin, on the thread of the function that received `call`. Never fails. */
  int64_t (*now_ms)(crmh_call* call);
  /* ABI 1.0 ends here. */

  /* ABI 1.2 */

  /* Reads a phone number. Never NULL in a host of ABI 1.2 or later; a plugin built against
   * 1.2 is only ever loaded by such a host (convention 2), so it may call this unchecked.
   * Called by: the plugin, on the thread of the function that received `call`.
   * @param call           the current call; it owns the memory behind out's views.
   * @param text           "+14155551234", "+44 20 7183 8750", or a national number with
   *                       default_region; spaces, dashes, dots and parentheses are allowed.
   * @param default_region ISO 3166-1 alpha-2 region for numbers without a "+country" prefix;
   *                       empty: such numbers do not parse.
   * @param options        CRMH_PHONE_WANT_* bits.
   * @param out            filled by the host; the plugin sets out->struct_size first.
   * @return CRMH_OK when the text reads as a number, valid or not (see out->flags);
   *         CRMH_E_INVALID when it does not (out->country_code 0, every view empty). */
  crmh_status (*phone_parse)(crmh_call* call, crmh_view text, crmh_view default_region,
                             uint32_t options, crmh_phone_number* out);
  /* ABI 1.2 ends here. */
} crmh_host_api;

/* ----------------------------------------------------------------------------------------
 * The plugin descriptor (the plugin fills this; the host reads it)
 * ------------------------------------------------------------------------------------- */

/* Layout: the 8-byte magic first (see convention 3), then struct_size and the ABI version the
 * plugin was built against, all readable before any pointer in it is followed; then the static
 * identity strings; then the four functions. A host reads the magic, then struct_size, then
 * refuses a plugin whose abi_major differs or whose abi_minor is newer than its own, and only
 * then reads anything else.
 * OWNERSHIP: plugin; static storage, valid and unchanged while the library is loaded. */
typedef struct crmh_plugin_descriptor {
  /* --- identity: readable before any function below runs ---------------------------- */
  uint64_t magic;       /* CRMH_PLUGIN_MAGIC */
  uint32_t struct_size; /* sizeof(crmh_plugin_descriptor) as the plugin knows it */
  uint16_t abi_major;   /* CRMH_ABI_MAJOR the plugin was built against */
  uint16_t abi_minor;   /* CRMH_ABI_MINOR the plugin was built against */

  /* Platform name clients use (JWT "platform", manifest key): 1-64 of [A-Za-z0-9_-]. */
  const char* name;
  /* Plugin version, semantic versioning 2.0 (e.g. "1.4.2", "2.0.0-rc.1"). */
  const char* version;
  /* Free text identifying the build (compiler, standard library, flags); shown to admins. */
  const char* build_info;
  /* The App Connect operations this plugin implements, as a NULL-terminated array of names
   * ("getAuthType", "findContact", ...). /implementedInterfaces is answered from this list
   * without calling the plugin; invoke is only ever called with a name from it. */
  const char* const* operations;
  /* This platform's App Connect manifest entry (a JSON object, the value of
   * platforms.<name> in /crmManifest), or NULL. */
  const char* manifest_json;

  /* --- lifecycle ------------------------------------------------------------------------ */

  /* Creates the plugin's state. Called by the host once per loaded version, on its plugin
   * control thread, before any other function. The host table stays valid until shutdown
   * returns.
   * @param host  host services; OWNERSHIP: host.
   * @param call  for host services during init (settings, log, kv, http).
   * @param out   receives the new instance; OWNERSHIP: plugin.
   * @param error on failure, a human-readable reason.
   * @return CRMH_OK, or any error code: the host then refuses this version. */
  crmh_status (*init)(const crmh_host_api* host, crmh_call* call, crmh_instance** out,
                      crmh_writer* error);

  /* Optional (may be NULL). Called by the host on its plugin control thread after init
   * succeeded and before the version is published; a plugin checks what it can without side
   * effects (required settings present, tables consistent).
   * @param instance what init made.
   * @param call     for host services during the check.
   * @param error    on failure, a human-readable reason.
   * @return CRMH_OK, or an error with the reason written to error: the host then calls
   *         shutdown and refuses this version. */
  crmh_status (*self_check)(crmh_instance* instance, crmh_call* call, crmh_writer* error);

  /* Runs one App Connect operation. Called by the host for App Connect requests, concurrently
   * from several threads (its request threads, on stackful coroutines: see convention 9); one
   * invocation stays on one thread from start to return.
   * @param instance  what init made; OWNERSHIP: plugin.
   * @param call      for host services during this invocation.
   * @param operation one of the names in `operations`; OWNERSHIP: host.
   * @param input     a JSON object: the operation's named arguments as the App Connect
   *                  connector interface defines them (see docs/PLUGIN_ABI.md); OWNERSHIP:
   *                  host, valid until invoke returns.
   * @param output    receives one JSON document: on CRMH_OK, the operation's result; on
   *                  CRMH_E_UPSTREAM, {"statusCode":..,"message":..}; on other errors, an
   *                  optional {"message":..}.
   * @return CRMH_OK, CRMH_E_UNSUPPORTED, CRMH_E_INVALID, CRMH_E_UPSTREAM or CRMH_E_INTERNAL. */
  crmh_status (*invoke)(crmh_instance* instance, crmh_call* call, crmh_view operation,
                        crmh_view input, crmh_writer* output);

  /* Destroys the instance. Called by the host exactly once, on its plugin control thread,
   * after the last invoke on this instance has returned (the version was replaced, removed, or
   * the host stops). The plugin must release everything it holds; the library may stay mapped
   * afterwards.
   * @param instance what init made; the plugin frees it here.
   * @param call     for host services during shutdown (a last kv write, a log line). */
  void (*shutdown)(crmh_instance* instance, crmh_call* call);

  /* ABI 1.0 ends here. */

  /* ABI 1.3 */

  /* HTTP routes the plugin serves itself (a CRM's install page, its uninstall webhook, a file
   * picker), as a static JSON array, or NULL for none. Each element:
   *
   *   {"method": "GET" | "POST" | "PUT" | "PATCH" | "DELETE",
   *    "path":   "/<name>/...", "/<name>-...", or "/admin/<name>/..." where <name> is this
   *              plugin's name; segments may be "{param}" (one whole segment, matched by any
   *              value and handed over in "params"),
   *    "auth":   "none"        -- the host checks nothing (the plugin may check what it is sent),
   *              "jwt"         -- an App Connect JWT of a user of this platform (query jwtToken
   *                               or Authorization: Bearer); the plugin receives the user and
   *                               the CRM auth header, tokens refreshed first,
   *              "rcAdmin"     -- a RingCentral admin's access token (as the /admin routes),
   *                               and an App Connect JWT when one is sent,
   *              "oauthClient" -- HTTP Basic with this platform's OAuth client id and secret
   *                               (how CRMs sign their webhooks to an app)}
   *
   * The host refuses, naming the route, a plugin whose routes are malformed, lie outside its
   * prefixes, or collide with a contract route or another plugin's route; and one that declares
   * routes without implementing "serveRoute". Requests to a route reach invoke as the operation
   * "serveRoute" (its documents: docs/PLUGIN_ABI.md, Plugin routes). Routes belong to the
   * version that declares them: a hot upgrade swaps them with the code.
   * Read by the host only when struct_size covers it and abi_minor >= 3. */
  const char* routes_json;

  /* ABI 1.3 ends here. */
} crmh_plugin_descriptor;

/* The entry point, exported as CRMH_ENTRY_SYMBOL (declare it with CRMH_PLUGIN_ENTRY). Called by
 * the host on its plugin control thread, right after loading the library and before deciding
 * whether to use it at all. Returns the plugin's descriptor: a pointer to static storage that
 * stays valid while the library is loaded. Must have no side effects and return the same
 * pointer every time. */
typedef const crmh_plugin_descriptor* (*crmh_plugin_entry_fn)(void);

/* ----------------------------------------------------------------------------------------
 * Layout pins: every compiler that builds a plugin or a host must agree on these offsets (the
 * natural C layout on every supported platform, 32- or 64-bit). A plugin compiled with
 * packing flags or an active #pragma pack fails here rather than at run time.
 * ------------------------------------------------------------------------------------- */

#if defined(__cplusplus)
#define CRMH_LAYOUT_PIN(cond) static_assert(cond, "crmhost plugin ABI layout: " #cond)
#elif defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
#define CRMH_LAYOUT_PIN(cond) _Static_assert(cond, "crmhost plugin ABI layout: " #cond)
#else /* C99: an array of negative size is the error */
#define CRMH_LAYOUT_JOIN2(a, b) a##b
#define CRMH_LAYOUT_JOIN(a, b) CRMH_LAYOUT_JOIN2(a, b)
#define CRMH_LAYOUT_PIN(cond) \
  typedef char CRMH_LAYOUT_JOIN(crmh_layout_pin_, __LINE__)[(cond) ? 1 : -1]
#endif
#define CRMH_P_ sizeof(void*) /* pointers and size_t are the same size on every platform */

CRMH_LAYOUT_PIN(sizeof(size_t) == CRMH_P_);
CRMH_LAYOUT_PIN(sizeof(crmh_view) == 2 * CRMH_P_ && offsetof(crmh_view, len) == CRMH_P_);
CRMH_LAYOUT_PIN(sizeof(crmh_header) == 4 * CRMH_P_ && offsetof(crmh_header, value) == 2 * CRMH_P_);

CRMH_LAYOUT_PIN(offsetof(crmh_http_request, timeout_ms) == 4);
CRMH_LAYOUT_PIN(offsetof(crmh_http_request, method) == 8);
CRMH_LAYOUT_PIN(offsetof(crmh_http_request, url) == 8 + 2 * CRMH_P_);
CRMH_LAYOUT_PIN(offsetof(crmh_http_request, headers) == 8 + 4 * CRMH_P_);
CRMH_LAYOUT_PIN(offsetof(crmh_http_request, header_count) == 8 + 5 * CRMH_P_);
CRMH_LAYOUT_PIN(offsetof(crmh_http_request, body) == 8 + 6 * CRMH_P_);
CRMH_LAYOUT_PIN(offsetof(crmh_http_request, flags) == 8 + 8 * CRMH_P_);
CRMH_LAYOUT_PIN(sizeof(crmh_http_request) == 8 + 9 * CRMH_P_);

CRMH_LAYOUT_PIN(offsetof(crmh_http_response, status) == 4);
CRMH_LAYOUT_PIN(offsetof(crmh_http_response, headers) == 8);
CRMH_LAYOUT_PIN(offsetof(crmh_http_response, header_count) == 8 + CRMH_P_);
CRMH_LAYOUT_PIN(offsetof(crmh_http_response, body) == 8 + 2 * CRMH_P_);
CRMH_LAYOUT_PIN(offsetof(crmh_http_response, error) == 8 + 4 * CRMH_P_);
CRMH_LAYOUT_PIN(sizeof(crmh_http_response) == 8 + 6 * CRMH_P_);

CRMH_LAYOUT_PIN(offsetof(crmh_phone_number, flags) == 4);
CRMH_LAYOUT_PIN(offsetof(crmh_phone_number, country_code) == 8);
CRMH_LAYOUT_PIN(offsetof(crmh_phone_number, type) == 12);
CRMH_LAYOUT_PIN(offsetof(crmh_phone_number, region) == 16);
CRMH_LAYOUT_PIN(offsetof(crmh_phone_number, significant) == 16 + 2 * CRMH_P_);
CRMH_LAYOUT_PIN(offsetof(crmh_phone_number, e164) == 16 + 4 * CRMH_P_);
CRMH_LAYOUT_PIN(offsetof(crmh_phone_number, international) == 16 + 6 * CRMH_P_);
CRMH_LAYOUT_PIN(offsetof(crmh_phone_number, national) == 16 + 8 * CRMH_P_);
CRMH_LAYOUT_PIN(sizeof(crmh_phone_number) == 16 + 10 * CRMH_P_);

CRMH_LAYOUT_PIN(offsetof(crmh_host_api, abi_major) == 4);
CRMH_LAYOUT_PIN(offsetof(crmh_host_api, abi_minor) == 6);
CRMH_LAYOUT_PIN(offsetof(crmh_host_api, write) == 8);
CRMH_LAYOUT_PIN(offsetof(crmh_host_api, log) == 8 + CRMH_P_);
CRMH_LAYOUT_PIN(offsetof(crmh_host_api, http) == 8 + 2 * CRMH_P_);
CRMH_LAYOUT_PIN(offsetof(crmh_host_api, kv_get) == 8 + 3 * CRMH_P_);
CRMH_LAYOUT_PIN(offsetof(crmh_host_api, kv_put) == 8 + 4 * CRMH_P_);
CRMH_LAYOUT_PIN(offsetof(crmh_host_api, kv_delete) == 8 + 5 * CRMH_P_);
CRMH_LAYOUT_PIN(offsetof(crmh_host_api, setting) == 8 + 6 * CRMH_P_);
CRMH_LAYOUT_PIN(offsetof(crmh_host_api, now_ms) == 8 + 7 * CRMH_P_);
CRMH_LAYOUT_PIN(offsetof(crmh_host_api, phone_parse) == 8 + 8 * CRMH_P_);
CRMH_LAYOUT_PIN(sizeof(crmh_host_api) == 8 + 9 * CRMH_P_);

CRMH_LAYOUT_PIN(offsetof(crmh_plugin_descriptor, magic) == 0);
CRMH_LAYOUT_PIN(offsetof(crmh_plugin_descriptor, struct_size) == 8);
CRMH_LAYOUT_PIN(offsetof(crmh_plugin_descriptor, abi_major) == 12);
CRMH_LAYOUT_PIN(offsetof(crmh_plugin_descriptor, abi_minor) == 14);
CRMH_LAYOUT_PIN(offsetof(crmh_plugin_descriptor, name) == 16);
CRMH_LAYOUT_PIN(offsetof(crmh_plugin_descriptor, version) == 16 + CRMH_P_);
CRMH_LAYOUT_PIN(offsetof(crmh_plugin_descriptor, build_info) == 16 + 2 * CRMH_P_);
CRMH_LAYOUT_PIN(offsetof(crmh_plugin_descriptor, operations) == 16 + 3 * CRMH_P_);
CRMH_LAYOUT_PIN(offsetof(crmh_plugin_descriptor, manifest_json) == 16 + 4 * CRMH_P_);
CRMH_LAYOUT_PIN(offsetof(crmh_plugin_descriptor, init) == 16 + 5 * CRMH_P_);
CRMH_LAYOUT_PIN(offsetof(crmh_plugin_descriptor, self_check) == 16 + 6 * CRMH_P_);
CRMH_LAYOUT_PIN(offsetof(crmh_plugin_descriptor, invoke) == 16 + 7 * CRMH_P_);
CRMH_LAYOUT_PIN(offsetof(crmh_plugin_descriptor, shutdown) == 16 + 8 * CRMH_P_);
CRMH_LAYOUT_PIN(offsetof(crmh_plugin_descriptor, routes_json) == 16 + 9 * CRMH_P_);
CRMH_LAYOUT_PIN(sizeof(crmh_plugin_descriptor) == 16 + 10 * CRMH_P_);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* CRMHOST_PLUGIN_H */

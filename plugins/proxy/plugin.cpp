// The proxy connector plugin: serves every CRM described by a JSON definition in the connector
// directory (setting proxy.connector_dir), one platform per definition, one HTTP request per
// operation (format: docs/PROXY_CONNECTORS.md). The host sends requests for platforms no other
// plugin serves here when listPlatforms names them.
//
// Definitions are re-read when the directory changes (checked at most once a second); a
// definition that fails its checks is refused with its JSON paths in the log, and the previous
// good version of that file keeps serving.
#include <crmhost/plugin.hpp>
#include <crmhost/sdk/js.hpp>
#include <crmhost/sdk/phone.hpp>
#include <crmhost/sdk/time.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>

#include "definition.h"
#include "template.h"

namespace proxy {
namespace sdk = crmhost::sdk;
namespace js = crmhost::sdk::js;
namespace fs = std::filesystem;

namespace {

json::object Message(std::string_view text, std::string_view type = "success", int ttl = 3000) {
  return json::object{{"message", text}, {"messageType", type}, {"ttl", ttl}};
}

const json::object& Obj(const json::object& in, std::string_view key) {
  static const json::object kEmpty;
  const json::object* o = sdk::object_field(in, key);
  return o ? *o : kEmpty;
}

std::string MapString(const json::object& mapping, std::string_view key,
                      std::string_view fallback) {
  const json::value* v = mapping.if_contains(key);
  return v && v->is_string() && !v->get_string().empty() ? std::string(v->get_string())
                                                         : std::string(fallback);
}

const json::value* Mapped(const json::value& ctx, const json::object& mapping, std::string_view key,
                          std::string_view fallback) {
  const std::string path = MapString(mapping, key, fallback);
  return path.empty() ? nullptr : Lookup(ctx, path);
}

std::string Iso(sdk::Call& call, const json::value* v, int64_t add_ms = 0) {
  auto ms = v ? sdk::time::parse_timestamp(*v) : std::nullopt;
  return sdk::time::format_iso8601(ms.value_or(call.now_ms()) + add_ms);
}

}  // namespace

class Proxy {
 public:
  static constexpr const char* kName = "proxy";
  static constexpr const char* kVersion = "1.0.0";
  static constexpr const char* kManifest = nullptr;

  explicit Proxy(sdk::Call& init) : dir_(init.setting("connector_dir").value_or("")) {
    if (dir_.empty())
      init.warn("setting proxy.connector_dir is not set: no proxy connectors are served");
    Reload(init);
  }

  // ---- what the host asks before routing -----------------------------------------------------
  // Every platform with its manifest entry; with input "platform", just that one (the host asks
  // this way on each request it routes here, so the answer stays small).
  json::value listPlatforms(sdk::Call& call, const json::object& in) {
    auto defs = Current(call);
    const std::string only = sdk::string_field(in, "platform");
    json::object out;
    for (auto& [name, d] : *defs) {
      if (!only.empty() && name != only) continue;
      json::object entry = d->manifest.is_object() ? d->manifest.get_object() : json::object();
      if (!entry.contains("name")) entry["name"] = d->name;
      if (!entry.contains("displayName")) entry["displayName"] = d->display_name;
      if (!entry.contains("auth")) entry["auth"] = json::object{{"type", d->auth.type}};
      out[name] = std::move(entry);
    }
    return out;
  }

  json::value getAuthType(sdk::Call& call, const json::object& in) {
    return json::value(Def(call, in)->auth.type);
  }
  json::value getLogFormatType(sdk::Call& call, const json::object& in) {
    return json::value(Def(call, in)->log_format);
  }
  json::value getBasicAuth(sdk::Call&, const json::object& in) {
    return json::value(sdk::base64_encode(sdk::string_field(in, "apiKey")));
  }
  json::value getOauthInfo(sdk::Call& call, const json::object& in) {
    const auto def = Def(call, in);
    const AuthSpec& a = def->auth;
    return json::object{{"clientId", a.client_id},
                        {"clientSecret", a.client_secret},
                        {"accessTokenUri", a.token_url},
                        {"authorizationUri", a.authorization_url},
                        {"redirectUri", a.redirect_uri}};
  }

  // ---- operations ----------------------------------------------------------------------------
  json::value getUserInfo(sdk::Call& call, const json::object& in) {
    const auto def = Def(call, in);
    const ConnectorDefinition& d = *def;
    const OperationSpec* op = Op(d, "getUserInfo");
    if (!op)
      return json::object{
          {"successful", false},
          {"returnMessage", Message("Login is not supported by " + d.display_name, "warning")}};
    json::object ctx = in;
    ctx["user"] =
        json::object{{"accessToken", in.contains("apiKey") ? in.at("apiKey") : json::value()}};
    json::value body = Execute(call, d, *op, ctx);
    json::object rctx{{"body", body}};
    for (const char* k : {"additionalInfo", "apiKey", "hostname", "platform"})
      if (auto* v = in.if_contains(k)) rctx[k] = *v;
    const json::value rv = rctx;
    const json::value* id = Mapped(rv, op->response_mapping, "idPath", "");
    if (!js::truthy(id)) throw sdk::UpstreamError(200, "the login answer has no user id");
    json::object extra = Obj(in, "additionalInfo");
    extra.erase("password");
    if (const json::object* paths =
            sdk::object_field(op->response_mapping, "platformAdditionalInfoPaths"))
      for (auto& [k, p] : *paths)
        if (p.is_string())
          if (const json::value* v = Lookup(rv, p.get_string())) extra[k] = *v;
    const json::value* name = Mapped(rv, op->response_mapping, "namePath", "");
    json::object info{{"id", AsText(id) + "-" + d.name},
                      {"name", js::truthy(name) ? *name : *id},
                      {"platformAdditionalInfo", std::move(extra)}};
    if (const json::value* tz = Mapped(rv, op->response_mapping, "timezoneNamePath", ""))
      info["timezoneName"] = *tz;
    if (const json::value* key = Mapped(rv, op->response_mapping, "overridingApiKeyPath", ""))
      info["overridingApiKey"] = *key;
    const json::value* msg = Mapped(rv, op->response_mapping, "messagePath", "");
    return json::object{
        {"successful", true},
        {"platformUserInfo", std::move(info)},
        {"returnMessage",
         Message(js::truthy(msg) ? AsText(msg) : "Connected to " + d.display_name + ".",
                 "success")}};
  }

  json::value findContact(sdk::Call& call, const json::object& in) {
    json::object extra;
    std::string phone = sdk::string_field(in, "phoneNumber");
    if (auto sp = phone.find(' '); sp != std::string::npos) phone[sp] = '+';
    // The shape of awesome-phonenumber's parse result, which the reference's proxy templates
    // see: what libphonenumber could read of the number, and always its input.
    const auto parsed = call.phone(phone, CRMH_PHONE_WANT_FORMATS);
    json::object number{{"input", phone}};
    json::object info{{"valid", parsed.valid}, {"possible", parsed.possible}};
    if (parsed.parsed) {
      number["international"] = parsed.international;
      number["national"] = parsed.national;
      number["e164"] = parsed.e164;
      number["significant"] = parsed.significant;
      info["countryCode"] = parsed.country_code;
      if (!parsed.region.empty()) info["regionCode"] = parsed.region;
    }
    info["number"] = std::move(number);
    extra["parsedPhoneNumber"] = std::move(info);
    return Contacts(call, in, "findContact", std::move(extra));
  }
  json::value findContactWithName(sdk::Call& call, const json::object& in) {
    return Contacts(call, in, "findContactWithName", {});
  }

  json::value createContact(sdk::Call& call, const json::object& in) {
    const auto def = Def(call, in);
    const ConnectorDefinition& d = *def;
    const OperationSpec* op = Op(d, "createContact");
    if (!op) return NotSupported(d);
    const json::value ctx = json::object{{"body", Execute(call, d, *op, Context(in))}};
    const json::value* id = Mapped(ctx, op->response_mapping, "idPath", "");
    if (!js::truthy(id))
      return json::object{{"contactInfo", nullptr},
                          {"returnMessage", Message("Contact was not created", "warning")}};
    json::object contact{{"id", *id}};
    if (auto* n = Mapped(ctx, op->response_mapping, "namePath", "")) contact["name"] = *n;
    if (auto* t = Mapped(ctx, op->response_mapping, "typePath", "")) contact["type"] = *t;
    return json::object{{"contactInfo", std::move(contact)},
                        {"returnMessage", Message("Contact created.", "success", 2000)}};
  }

  json::value createCallLog(sdk::Call& call, const json::object& in) {
    const json::object& log = Obj(in, "callLog");
    const std::string direction = sdk::string_field(log, "direction");
    json::object extra{
        {"subject",
         sdk::field(log, "customSubject")
             ? json::value(AsText(sdk::field(log, "customSubject")))
             : json::value(direction + " Call " + (direction == "Outbound" ? "to" : "from") + " " +
                           sdk::string_field(Obj(in, "contactInfo"), "name"))},
        {"startTime", Iso(call, sdk::field(log, "startTime"))},
        {"endTime",
         Iso(call, sdk::field(log, "startTime"),
             int64_t(js::to_number(log.contains("duration") ? log.at("duration") : json::value(0)) *
                     1000))}};
    return CreateLog(call, in, "createCallLog", std::move(extra), "Call logged");
  }

  json::value getCallLog(sdk::Call& call, const json::object& in) {
    const auto def = Def(call, in);
    const ConnectorDefinition& d = *def;
    const OperationSpec* op = Op(d, "getCallLog");
    if (!op) return json::object{{"callLogInfo", json::object{{"note", ""}, {"fullBody", ""}}}};
    json::object ctx = Context(in);
    ctx["thirdPartyLogId"] = in.contains("callLogId") ? in.at("callLogId") : json::value();
    const json::value body = Execute(call, d, *op, ctx);
    const json::value rctx = json::object{{"body", body}};
    auto text = [&](std::string_view key, std::string_view fallback) {
      return json::value(AsText(Mapped(rctx, op->response_mapping, key, fallback)));
    };
    return json::object{
        {"callLogInfo", json::object{{"subject", text("subjectPath", "body.subject")},
                                     {"note", text("notePath", "body.note")},
                                     {"fullBody", text("fullBodyPath", "body.note")},
                                     {"fullLogResponse", body}}}};
  }

  json::value updateCallLog(sdk::Call& call, const json::object& in) {
    json::object extra;
    extra["thirdPartyLogId"] = Obj(in, "existingCallLog").contains("thirdPartyLogId")
                                   ? Obj(in, "existingCallLog").at("thirdPartyLogId")
                                   : json::value();
    if (auto* s = sdk::field(in, "startTime")) {
      extra["startTime"] = Iso(call, s);
      extra["endTime"] =
          Iso(call, s,
              int64_t(js::to_number(in.contains("duration") ? in.at("duration") : json::value(0)) *
                      1000));
    }
    Update(call, in, "updateCallLog", std::move(extra));
    return json::object{
        {"updatedNote",
         in.contains("composedLogDetails") ? in.at("composedLogDetails") : json::value("")},
        {"returnMessage", Message("Call log updated.", "success", 2000)}};
  }

  json::value upsertCallDisposition(sdk::Call& call, const json::object& in) {
    const json::value id = Obj(in, "existingCallLog").contains("thirdPartyLogId")
                               ? Obj(in, "existingCallLog").at("thirdPartyLogId")
                               : json::value();
    Update(call, in, "upsertCallDisposition", json::object{{"thirdPartyLogId", id}});
    return json::object{{"logId", id},
                        {"returnMessage", Message("Disposition updated.", "success", 2000)}};
  }

  json::value createMessageLog(sdk::Call& call, const json::object& in) {
    return CreateLog(
        call, in, "createMessageLog",
        json::object{{"creationTime", Iso(call, sdk::field(Obj(in, "message"), "creationTime"))}},
        "Message logged");
  }

  json::value updateMessageLog(sdk::Call& call, const json::object& in) {
    const json::object& existing = Obj(in, "existingMessageLog");
    Update(
        call, in, "updateMessageLog",
        json::object{
            {"thirdPartyLogId",
             existing.contains("thirdPartyLogId") ? existing.at("thirdPartyLogId") : json::value()},
            {"creationTime", Iso(call, sdk::field(Obj(in, "message"), "creationTime"))}});
    return json::object{{"returnMessage", Message("Message log updated", "success", 2000)}};
  }

  json::value getUserList(sdk::Call& call, const json::object& in) {
    const auto def = Def(call, in);
    const ConnectorDefinition& d = *def;
    const OperationSpec* op = Op(d, "getUserList");
    json::array out;
    if (!op || MapString(op->response_mapping, "listPath", "").empty()) return out;
    const json::value rctx = json::object{{"body", Execute(call, d, *op, Context(in))}};
    const json::value* list = Lookup(rctx, MapString(op->response_mapping, "listPath", ""));
    if (list && list->is_array())
      for (auto& item : list->get_array())
        out.push_back(json::object{
            {"id", AsText(Mapped(item, op->response_mapping, "idPath", "id"))},
            {"name", AsText(Mapped(item, op->response_mapping, "namePath", "name"))},
            {"email", AsText(Mapped(item, op->response_mapping, "emailPath", "email"))}});
    return out;
  }

  json::value getLicenseStatus(sdk::Call& call, const json::object& in) {
    const auto def = Def(call, in);
    const ConnectorDefinition& d = *def;
    const OperationSpec* op = Op(d, "getLicenseStatus");
    if (!op)
      return json::object{
          {"isLicenseValid", true}, {"licenseStatus", "Basic"}, {"licenseStatusDescription", ""}};
    const json::value rctx = json::object{{"body", Execute(call, d, *op, Context(in))}};
    const json::value* valid =
        Mapped(rctx, op->response_mapping, "isLicenseValidPath", "body.isLicenseValid");
    return json::object{
        {"isLicenseValid", js::truthy(valid)},
        {"licenseStatus",
         AsText(Mapped(rctx, op->response_mapping, "licenseStatusPath", "body.licenseStatus"))},
        {"licenseStatusDescription",
         AsText(Mapped(rctx, op->response_mapping, "licenseStatusDescriptionPath",
                       "body.licenseStatusDescription"))}};
  }

  json::value unAuthorize(sdk::Call& call, const json::object& in) {
    const auto def = Def(call, in);
    const ConnectorDefinition& d = *def;
    if (const OperationSpec* op = Op(d, "unAuthorize")) Execute(call, d, *op, Context(in));
    return json::object{
        {"returnMessage", Message("Logged out of " + d.display_name, "success", 1000)},
        {"userUpdate", json::object{{"accessToken", ""}, {"refreshToken", ""}}}};
  }

  static constexpr auto operations() {
    using Op = sdk::Operation<Proxy>;
    return std::array{Op{"listPlatforms", &Proxy::listPlatforms},
                      Op{"getAuthType", &Proxy::getAuthType},
                      Op{"getLogFormatType", &Proxy::getLogFormatType},
                      Op{"getBasicAuth", &Proxy::getBasicAuth},
                      Op{"getOauthInfo", &Proxy::getOauthInfo},
                      Op{"getUserInfo", &Proxy::getUserInfo},
                      Op{"findContact", &Proxy::findContact},
                      Op{"findContactWithName", &Proxy::findContactWithName},
                      Op{"createContact", &Proxy::createContact},
                      Op{"createCallLog", &Proxy::createCallLog},
                      Op{"getCallLog", &Proxy::getCallLog},
                      Op{"updateCallLog", &Proxy::updateCallLog},
                      Op{"upsertCallDisposition", &Proxy::upsertCallDisposition},
                      Op{"createMessageLog", &Proxy::createMessageLog},
                      Op{"updateMessageLog", &Proxy::updateMessageLog},
                      Op{"getUserList", &Proxy::getUserList},
                      Op{"getLicenseStatus", &Proxy::getLicenseStatus},
                      Op{"unAuthorize", &Proxy::unAuthorize}};
  }

 private:
  static constexpr uintmax_t kMaxDefinitionBytes = 1024 * 1024;
  using Definitions =
      std::map<std::string, std::shared_ptr<const ConnectorDefinition>, std::less<>>;

  struct FileState {
    fs::file_time_type mtime;
    uintmax_t size = 0;
    std::shared_ptr<const ConnectorDefinition> good;  // last version that passed its checks
  };

  // The definitions now, re-read when the directory changed (at most once a second).
  std::shared_ptr<const Definitions> Current(sdk::Call& call) {
    std::lock_guard<std::mutex> g(mu_);
    if (call.now_ms() - checked_at_ms_ >= 1000) Reload(call);
    return defs_;
  }

  // Caller holds mu_ (or is the constructor).
  void Reload(sdk::Call& call) {
    checked_at_ms_ = call.now_ms();
    if (dir_.empty()) return;
    std::error_code ec;
    std::map<std::string, FileState> next;
    for (fs::directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec)) {
      if (it->path().extension() != ".json" || !it->is_regular_file(ec)) continue;
      const std::string path = it->path().string();
      FileState st;
      st.mtime = it->last_write_time(ec);
      st.size = it->file_size(ec);
      auto old = files_.find(path);
      if (old != files_.end() && old->second.mtime == st.mtime && old->second.size == st.size) {
        next[path] = old->second;
        continue;
      }
      ParsedDefinition parsed;
      if (st.size > kMaxDefinitionBytes) {
        parsed.errors.push_back("$: the file is over 1 MiB");
      } else {
        std::ifstream in(path, std::ios::binary);
        std::stringstream text;
        text << in.rdbuf();
        parsed = ParseDefinition(text.str());
      }
      if (parsed.definition) {
        st.good = std::make_shared<const ConnectorDefinition>(std::move(*parsed.definition));
        call.info("proxy connector " + st.good->name + " loaded from " + path);
      } else {
        std::string why;
        for (auto& e : parsed.errors)
          why += "\n  " + e;
        call.warn("proxy connector " + path + " refused" +
                  (old != files_.end() && old->second.good ? " (the previous version keeps serving)"
                                                           : "") +
                  ":" + why);
        if (old != files_.end()) st.good = old->second.good;
      }
      next[path] = std::move(st);
    }
    if (ec) call.warn("cannot read proxy.connector_dir " + dir_ + ": " + ec.message());
    auto defs = std::make_shared<Definitions>();
    for (auto& [path, st] : next)
      if (st.good && !defs->emplace(st.good->name, st.good).second)
        call.warn("proxy connector " + st.good->name + " is defined twice; " + path + " ignored");
    files_ = std::move(next);
    defs_ = std::move(defs);
  }

  // The definition for the call's platform (input "platform", else the user's).
  std::shared_ptr<const ConnectorDefinition> Def(sdk::Call& call, const json::object& in) {
    std::string platform = sdk::string_field(in, "platform");
    if (platform.empty()) platform = sdk::string_field(Obj(in, "user"), "platform");
    auto defs = Current(call);
    auto it = defs->find(platform);
    if (it == defs->end()) throw sdk::InvalidInput("no proxy connector named \"" + platform + "\"");
    return it->second;  // the caller's copy keeps it alive even if a reload replaces it
  }

  static const OperationSpec* Op(const ConnectorDefinition& d, std::string_view name) {
    auto it = d.operations.find(name);
    return it == d.operations.end() ? nullptr : &it->second;
  }

  // Inputs plus what every template may use: user.id is the CRM id (before the first "-").
  static json::object Context(const json::object& in) {
    json::object ctx = in;
    json::object user = Obj(in, "user");
    const std::string id = sdk::string_field(user, "id");
    user["id"] = id.substr(0, id.find('-'));
    if (!ctx.contains("apiKey"))
      ctx["apiKey"] = user.contains("accessToken") ? user.at("accessToken") : json::value();
    ctx["user"] = std::move(user);
    return ctx;
  }

  static json::value NotSupported(const ConnectorDefinition& d) {
    return json::object{
        {"returnMessage", Message("Not supported by " + d.display_name, "warning")}};
  }

  json::value Contacts(sdk::Call& call, const json::object& in, std::string_view name,
                       json::object extra) {
    const auto def = Def(call, in);
    const ConnectorDefinition& d = *def;
    const OperationSpec* op = Op(d, name);
    json::array contacts;
    if (op) {
      json::object ctx = Context(in);
      for (auto& [k, v] : extra)
        ctx[k] = v;
      const json::value rctx = json::object{{"body", Execute(call, d, *op, ctx)}};
      const json::value* list = Lookup(rctx, MapString(op->response_mapping, "listPath", "body"));
      const json::object& item = Obj(op->response_mapping, "item");
      if (list && list->is_array())
        for (auto& c : list->get_array()) {
          json::object contact{{"id", AsText(Mapped(c, item, "idPath", "id"))},
                               {"name", AsText(Mapped(c, item, "namePath", "name"))},
                               {"phone", AsText(Mapped(c, item, "phonePath", "phone"))}};
          const json::value* type = Mapped(c, item, "typePath", "type");
          contact["type"] = js::truthy(type) ? AsText(type) : "Contact";
          for (auto [key, field] : {std::pair{"titlePath", "title"},
                                    {"companyPath", "company"},
                                    {"createdDatePath", "createdDate"},
                                    {"mostRecentActivityDatePath", "mostRecentActivityDate"}})
            if (const json::value* v = Mapped(c, item, key, field); v && !v->is_null())
              contact[field] = *v;
          const json::value* more = Mapped(c, item, "additionalInfoPath", "additionalInfo");
          contact["additionalInfo"] =
              more && more->is_object() ? *more : json::value(json::object());
          contacts.push_back(std::move(contact));
        }
    }
    const size_t n = contacts.size();
    return json::object{
        {"successful", true},
        {"matchedContactInfo", std::move(contacts)},
        {"returnMessage", Message("Found " + std::to_string(n) + " contacts", "success", 3000)}};
  }

  json::value CreateLog(sdk::Call& call, const json::object& in, std::string_view name,
                        json::object extra, std::string_view done) {
    const auto def = Def(call, in);
    const ConnectorDefinition& d = *def;
    const OperationSpec* op = Op(d, name);
    if (!op) return NotSupported(d);
    json::object ctx = Context(in);
    for (auto& [k, v] : extra)
      ctx[k] = v;
    const json::value rctx = json::object{{"body", Execute(call, d, *op, ctx)}};
    const json::value* id = Mapped(rctx, op->response_mapping, "idPath", "body.id");
    if (!js::truthy(id))
      throw sdk::UpstreamError(200, std::string(name) + ": the answer has no id");
    return json::object{{"logId", AsText(id)}, {"returnMessage", Message(done, "success", 2000)}};
  }

  void Update(sdk::Call& call, const json::object& in, std::string_view name, json::object extra) {
    const auto def = Def(call, in);
    const ConnectorDefinition& d = *def;
    const OperationSpec* op = Op(d, name);
    if (!op) return;
    json::object ctx = Context(in);
    for (auto& [k, v] : extra)
      ctx[k] = v;
    Execute(call, d, *op, ctx);
  }

  // One request: URL, query, headers and body from the templates, values escaped for where
  // they land. Returns the parsed answer (null for an empty body); throws on a non-2xx answer.
  static json::value Execute(sdk::Call& call, const ConnectorDefinition& d, const OperationSpec& op,
                             const json::object& ctx_obj) {
    const json::value ctx = ctx_obj;
    std::string url = ExpandText(op.url, ctx, Escape::kUrl);
    if (url.rfind("https://", 0) != 0 && url.rfind("http://", 0) != 0) {
      std::string base = ExpandText(d.base_url, ctx, Escape::kUrl);
      while (!base.empty() && base.back() == '/')
        base.pop_back();
      url = base + "/" + (url.rfind('/', 0) == 0 ? url.substr(1) : url);
    }
    std::string query;
    for (auto& [k, v] : op.query) {
      const json::value value = ExpandJson(v, ctx);
      query +=
          (query.empty() ? "" : "&") + sdk::url_encode(k) + "=" + sdk::url_encode(AsText(&value));
    }
    if (!query.empty()) url += (url.find('?') == std::string::npos ? "?" : "&") + query;

    std::vector<std::pair<std::string, std::string>> headers;
    auto set = [&](const std::string& name, std::string value) {
      for (auto& h : headers)
        if (h.first == name) {
          h.second = std::move(value);
          return;
        }
      headers.emplace_back(name, std::move(value));
    };
    for (auto& [k, v] : d.default_headers)
      set(std::string(k), ExpandText(v.as_string(), ctx, Escape::kHeader));
    for (auto& [k, v] : op.headers)
      set(std::string(k), ExpandText(v.as_string(), ctx, Escape::kHeader));
    const AuthSpec& auth = op.auth ? *op.auth : d.auth;
    if (!auth.credential_template.empty()) {
      std::string cred = ExpandText(auth.credential_template, ctx, Escape::kHeader);
      if (auth.base64) cred = sdk::base64_encode(cred);
      set(auth.header_name, auth.scheme.empty() ? cred : auth.scheme + " " + cred);
    } else if (const std::string given = sdk::string_field(ctx_obj, "authHeader"); !given.empty()) {
      set(auth.header_name, given);
    } else if (auth.type == "oauth") {
      set(auth.header_name, (auth.scheme.empty() ? "Bearer" : auth.scheme) + " " +
                                sdk::string_field(Obj(ctx_obj, "user"), "accessToken"));
    }
    std::string body;
    if (op.body) {
      body = json::serialize(ExpandJson(*op.body, ctx));
      set("Content-Type", "application/json");
    }
    set("Accept", "application/json");
    std::vector<std::pair<std::string_view, std::string_view>> views(headers.begin(),
                                                                     headers.end());
    auto resp = call.http_headers(op.method, url, views, body, uint32_t(d.timeout_seconds) * 1000);
    if (!resp.ok())
      throw sdk::UpstreamError(resp.status,
                               d.name + " answered HTTP " + std::to_string(resp.status));
    if (resp.body.empty()) return nullptr;
    return resp.json();
  }

  std::string dir_;
  std::mutex mu_;
  std::map<std::string, FileState> files_;                                     // guarded by mu_
  std::shared_ptr<const Definitions> defs_ = std::make_shared<Definitions>();  // guarded by mu_
  int64_t checked_at_ms_ = 0;                                                  // guarded by mu_
};

}  // namespace proxy

CRMHOST_PLUGIN(proxy::Proxy)

#include "api.h"

#include <crmhost/sdk/contract.hpp>
#include <crmhost/sdk/js.hpp>
#include <crmhost/sdk/time.hpp>

#include <vector>

#include "mapping.h"

namespace clio {

namespace sdk = crmhost::sdk;
namespace js = crmhost::sdk::js;
using sdk::contract::object_of;
using sdk::contract::text;
using sdk::contract::value_or;

namespace {

// "Clio answered HTTP 404"; every tracked answer's three x-ratelimit-* headers (null when absent).
sdk::rest::Options ClioOptions() {
  sdk::rest::Options o;
  o.crm = "Clio";
  o.rate_limits = sdk::rest::RateLimits::kAllKeys;
  return o;
}

}  // namespace

const Region* RegionOf(std::string_view hostname) {
  if (auto p = hostname.find("://"); p != std::string_view::npos) hostname.remove_prefix(p + 3);
  while (!hostname.empty() && hostname.back() == '/')
    hostname.remove_suffix(1);
  for (const Region& r : kRegions)
    if (r.host == hostname) return &r;
  return nullptr;
}

Api::Api(sdk::Call& call, std::string host, std::string auth)
    : host_(std::move(host)),
      session_(call, "https://" + host_ + "/api/v4/", std::move(auth), ClioOptions()) {}

Api::Api(sdk::Call& call, const json::object& in)
    : Api(call, sdk::string_field(object_of(in, "user"), "hostname"),
          sdk::string_field(in, "authHeader")) {}

json::value Api::Request(std::string_view method, const std::string& path, const json::value* body,
                         bool track) {
  if (!RegionOf(host_)) throw sdk::UpstreamError(0, "not a Clio host: " + host_);
  std::string url = path.rfind("https://", 0) == 0 ? path : "https://" + host_ + "/api/v4/" + path;
  if (url.rfind("https://" + host_ + "/", 0) != 0)
    throw sdk::UpstreamError(0, "Clio paging link leaves the user's host");
  return session_.request_url(method, url, body, track);
}

json::value Api::Send(std::string_view method, const std::string& path, json::object data) {
  json::value body = json::object{{"data", std::move(data)}};
  return Request(method, path, &body);
}

void RevokeToken(sdk::Call& call, const Region& region, const std::string& token) {
  try {
    auto resp = call.http("POST", "https://" + std::string(region.host) + "/oauth/deauthorize",
                          {{"Authorization", "Bearer " + token},
                           {"Content-Type", "application/x-www-form-urlencoded"}},
                          "token=" + sdk::url_encode(token));
    if (!resp.ok()) call.warn("Clio token revocation answered " + std::to_string(resp.status));
  } catch (const sdk::UpstreamError& e) {
    call.warn(std::string("Clio token revocation failed: ") + e.what());
  }
}

json::array Matters(Api& clio, const json::object& contact, bool closed, bool with_status,
                    bool all_pages) {
  const std::string id = sdk::url_encode(text(contact, "id"));
  json::array out;
  auto add = [&](const json::value& m) {
    if (auto option = MatterOption(m, closed, with_status)) out.push_back(std::move(*option));
  };
  json::value direct = clio.Get(
      "matters.json?client_id=" + id + "&fields=id,display_number,description,status", false);
  if (const json::value* list = Data(direct); list && list->is_array())
    for (auto& m : list->get_array())
      add(m);
  std::string next = "relationships.json?contact_id=" + id +
                     "&fields=matter%7Bid,display_number,description,status%7D";  // matter{...}
  for (int page = 0; !next.empty() && page < 50; ++page) {
    json::value related = clio.Get(next);
    if (const json::value* list = Data(related); list && list->is_array())
      for (auto& r : list->get_array())
        if (const json::value* m = js::get(&r, "matter")) add(*m);
    const json::value* link = js::get(js::get(js::get(&related, "meta"), "paging"), "next");
    next = all_pages && link && link->is_string() ? std::string(link->get_string()) : "";
  }
  return out;
}

json::value WriteableCalendarId(Api& clio) {
  const std::string fields = "&order=" + sdk::url_encode("id(desc)") +
                             "&limit=1&fields=" + sdk::url_encode("id,type,permission,visible");
  json::value own = clio.Get("calendars.json?owner=true&writeable=true&visible=true&type=" +
                             std::string("UserCalendar") + fields);
  if (const json::value* id = js::get(First(Data(own)), "id"); id && !id->is_null()) return *id;
  json::value any = clio.Get("calendars.json?writeable=true&visible=true" + fields);
  const json::value* id = js::get(First(Data(any)), "id");
  return id ? *id : json::value();
}

std::string UserName(Api& clio) {
  json::value me = clio.Get("users/who_am_i.json?fields=name", false);
  return js::text_or_empty(js::get(Data(me), "name"));
}

std::string DocumentLink(const Api& clio, const std::string& document_id) {
  return "https://" + clio.host() + "/nc/#/documents/" + document_id + "/details";
}

namespace {

// PUTs the bytes to the storage URL Clio handed out, with the headers it named.
void PutToStorage(sdk::Call& call, const json::value* version, const std::string& put_url,
                  const std::string& bytes) {
  std::vector<std::string> header_text;  // owns what the views below point at
  if (const json::value* hs = js::get(version, "put_headers"); hs && hs->is_array())
    for (const json::value& h : hs->get_array()) {
      header_text.push_back(js::text_or_empty(js::get(&h, "name")));
      header_text.push_back(js::text_or_empty(js::get(&h, "value")));
    }
  std::vector<std::pair<std::string_view, std::string_view>> headers;
  for (size_t i = 0; i + 1 < header_text.size(); i += 2)
    if (!header_text[i].empty()) headers.emplace_back(header_text[i], header_text[i + 1]);
  auto put = call.http_headers("PUT", put_url, headers, bytes);
  if (!put.ok())
    throw sdk::UpstreamError(put.status,
                             "document storage answered HTTP " + std::to_string(put.status));
}

}  // namespace

// Clio's three-step upload: fetch the media from RingCentral first (its access token may not
// outlive a slow upload), create the document, PUT the bytes to the storage URL, then mark the
// version fully uploaded.
std::optional<std::string> UploadDocument(Api& clio, const std::string& download,
                                          const std::string& name, const json::object& in,
                                          int64_t when) {
  sdk::Call& call = clio.call();
  if (download.empty()) return std::nullopt;
  try {
    // RingCentral may send the bytes from its media host: follow (the policy judges each hop).
    auto media = call.http_headers("GET", download, {}, {}, 0, CRMH_HTTP_FOLLOW_REDIRECTS);
    if (!media.ok())
      throw sdk::UpstreamError(media.status, "RingCentral answered HTTP " +
                                                 std::to_string(media.status) + " for the media");
    const json::value* matter = sdk::field(object_of(in, "additionalSubmission"), "matters");
    const bool on_matter = js::truthy(matter);
    json::object parent{{"id", on_matter ? *matter : value_or(object_of(in, "contactInfo"), "id")},
                        {"type", on_matter ? "Matter" : "Contact"}};
    json::value created = clio.Send(
        "POST",
        "documents.json?fields=" + sdk::url_encode("id,latest_document_version{uuid,put_url,"
                                                   "put_headers}"),
        json::object{{"name", name},
                     {"parent", std::move(parent)},
                     {"received_at", sdk::time::format_iso8601(when)}});
    const json::value* doc = Data(created);
    const json::value* version = js::get(doc, "latest_document_version");
    const json::value* id = js::get(doc, "id");
    const std::string put_url = js::text_or_empty(js::get(version, "put_url"));
    if (!id || put_url.rfind("https://", 0) != 0)
      throw sdk::UpstreamError(200, "Clio gave no document id or upload URL");
    PutToStorage(call, version, put_url, media.body);
    const std::string doc_id = js::to_string(*id);
    json::value done = clio.Send(
        "PATCH",
        "documents/" + sdk::url_encode(doc_id) +
            ".json?fields=" + sdk::url_encode("id,latest_document_version{fully_uploaded}"),
        json::object{{"uuid", value_or(version->get_object(), "uuid")}, {"fully_uploaded", true}});
    if (!js::truthy(js::get(js::get(Data(done), "latest_document_version"), "fully_uploaded")))
      throw sdk::UpstreamError(200, "Clio did not mark the document uploaded");
    return doc_id;
  } catch (const std::exception& e) {
    call.warn(std::string("uploading ") + name + " into Clio Documents failed: " + e.what());
    return std::nullopt;
  }
}

}  // namespace clio

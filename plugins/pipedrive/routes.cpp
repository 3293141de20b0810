#include "routes.h"

#include <crmhost/plugin.hpp>
#include <crmhost/sdk/contract.hpp>

#include <string>

namespace pipedrive {
namespace json = boost::json;
namespace sdk = crmhost::sdk;

namespace {

json::object Page(int status, std::string html) {
  return json::object{{"status", status},
                      {"headers", json::object{{"content-type", "text/html; charset=utf-8"}}},
                      {"body", std::move(html)}};
}

json::object Text(int status, std::string text) {
  return json::object{{"status", status}, {"body", std::move(text)}};
}

// The extension reads the code from this page's address; the page itself only guides the user.
json::object RedirectPage(const json::object& in) {
  const json::object& query = sdk::contract::object_of(in, "query");
  const bool has_code = query.contains("code");
  std::string page =
      "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>RingCentral App Connect for "
      "Pipedrive</title></head><body style=\"font-family:sans-serif;max-width:40em;margin:3em "
      "auto\">";
  if (has_code) {
    page +=
        "<h1>RingCentral Extension for Pipedrive</h1><p id=\"rc-stepper\">(1/3) Install the "
        "<a href=\"https://chromewebstore.google.com/detail/kkhkjhafgdlihndcbnebljipgkandkhh\">"
        "App Connect browser extension</a>, then refresh this page to finish connecting.</p>";
  } else {
    page +=
        "<h1>Thank you for installing the RingCentral App Connect for Pipedrive</h1><p>To "
        "connect, open the app in the <a href=\"https://www.pipedrive.com/en/marketplace/app/"
        "ring-central-crm-extension/5d4736e322561f57\">Pipedrive Marketplace</a> and choose "
        "\"Install now\".</p>";
  }
  page += "</body></html>";
  return Page(200, std::move(page));
}

// Pipedrive sends {user_id} (a number). We store "<id>-pipedrive"; the bare id is asked for too,
// for records imported from the reference's database. Answers "User deleted" for an unknown
// user as well, so Pipedrive stops retrying.
json::object Uninstall(const json::object& in) {
  boost::system::error_code ec;
  const json::value body = json::parse(sdk::string_field(in, "body"), ec);
  if (ec || !body.is_object()) return Text(400, "Missing user_id");
  const json::value* id_v = body.get_object().if_contains("user_id");
  if (!id_v || id_v->is_null()) return Text(400, "Missing user_id");
  const std::string id =
      id_v->is_string() ? std::string(id_v->get_string()) : json::serialize(*id_v);
  json::object out = Text(200, "User deleted");
  out["logoutUser"] = json::array{json::value(id + "-pipedrive"), json::value(id)};
  return out;
}

}  // namespace

json::value ServeRoute(const json::object& in) {
  const std::string method = sdk::string_field(in, "method");
  if (method == "GET") return RedirectPage(in);
  if (method == "DELETE") return Uninstall(in);
  return Text(404, "Not found");
}

}  // namespace pipedrive

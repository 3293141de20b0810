// The generic App Connect routes through the running daemon with the testcrm plugin: meta and
// manifest, contact create/search, dispositions, the note cache and message logging. Every
// response is checked against the reference OpenAPI schema.
#include <openssl/evp.h>
#include <catch2/catch.hpp>

#include <fstream>

#include "integration/testcrm_harness.h"

namespace crmhost::testing {
namespace json = boost::json;

namespace {

std::string Sha256Hex(const std::string& s) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(s.data(), s.size(), md, &len, EVP_sha256(), nullptr);
  std::string out;
  char buf[3];
  for (unsigned i = 0; i < len; ++i) {
    std::snprintf(buf, sizeof buf, "%02x", md[i]);
    out += buf;
  }
  return out;
}

json::object Sms(const std::string& id, const std::string& text, const std::string& direction,
                 const std::string& type = "SMS") {
  return json::object{{"id", id},
                      {"type", type},
                      {"direction", direction},
                      {"subject", text},
                      {"creationTime", "2026-11-24T10:00:00.000Z"},
                      {"from", json::object{{"phoneNumber", "+14155550100"}, {"name", "Ada"}}},
                      {"to", json::array{json::object{{"phoneNumber", "+16505550001"}}}}};
}

json::object MessageBody(json::array messages, const std::string& conversation = "conv-1",
                         json::array correspondents = {}) {
  if (correspondents.empty())
    correspondents.push_back(json::object{{"phoneNumber", "+14155550100"}, {"name", "Ada"}});
  return json::object{{"logInfo", json::object{{"conversationId", conversation},
                                               {"conversationLogId", conversation + "-20261124"},
                                               {"messages", std::move(messages)},
                                               {"correspondents", std::move(correspondents)}}},
                      {"contactId", 201},
                      {"contactType", "contact"},
                      {"contactName", "Ada Lovelace"}};
}

}  // namespace

TEST_CASE("meta routes: version, release notes, manifest, user hashes, interfaces", "[meta]") {
  TempDir files;
  std::ofstream(files / "hash.key") << "test-hash-key\n";
  std::ofstream(files / "manifest.json")
      << R"({"author": {"name": "Example Corp", "websiteUrl": "https://example.com"},
            "version": "9.1.0", "platforms": {"ignored": {}}})";
  TestCrmHarness h({"--hash-key-file", files / "hash.key", "--manifest-file",
                    files / "manifest.json", "--server-url", "https://crm.example.com"});
  h.Start();

  auto alive = Request(h.port(), "GET", "/isAlive");
  CHECK(alive.body == "OK");
  ExpectSchema("/isAlive", "get", alive);
  auto version = Request(h.port(), "GET", "/serverVersionInfo");
  CHECK(version.body == R"({"version":"9.1.0"})");
  ExpectSchema("/serverVersionInfo", "get", version);

  auto notes = Request(h.port(), "GET", "/releaseNotes");
  CHECK(notes.status == 200);
  auto v2 = notes.Json().at("2.0.0").as_object();  // from the testcrm builds' manifests
  CHECK(v2.at("global") == json::array{});
  CHECK(v2.at("testcrm").at(0).at("description") == "Appointments.");
  CHECK_FALSE(v2.contains("redtail"));  // Redtail's manifest lists no release notes
  ExpectSchema("/releaseNotes", "get", notes);

  auto manifest = Request(h.port(), "GET", "/crmManifest");
  REQUIRE(manifest.status == 200);
  ExpectSchema("/crmManifest", "get", manifest);
  auto m = manifest.Json().as_object();
  CHECK(m.at("serverUrl") == "https://crm.example.com");
  CHECK(m.at("author").at("name") == "Example Corp");
  CHECK(m.at("version") == "9.1.0");
  auto& platforms = m.at("platforms").as_object();
  CHECK(platforms.contains("testcrm"));
  CHECK(platforms.contains("testcrmowned"));
  CHECK(platforms.contains("redtail"));
  CHECK_FALSE(platforms.contains("ignored"));  // platforms come from the plugins only
  CHECK(platforms.at("testcrm").at("auth").at("type") == "oauth");
  auto one = Request(h.port(), "GET", "/crmManifest?platformName=redtail");
  CHECK(one.Json().at("platforms").as_object().size() == 1);
  auto none = Request(h.port(), "GET", "/crmManifest?platformName=nosuch");
  CHECK(none.status == 400);
  CHECK(none.body == "Platform not found");

  auto hashes = Request(h.port(), "GET", "/userInfoHash?extensionId=101&accountId=3001");
  ExpectSchema("/userInfoHash", "get", hashes);
  CHECK(hashes.Json().at("extensionId") == Sha256Hex("101:test-hash-key").c_str());
  CHECK(hashes.Json().at("accountId") == Sha256Hex("3001:test-hash-key").c_str());
  auto missing = Request(h.port(), "GET", "/userInfoHash");
  CHECK(missing.Json().at("accountId") == Sha256Hex("undefined:test-hash-key").c_str());

  auto interfaces = Request(h.port(), "GET", "/implementedInterfaces?platform=testcrm");
  ExpectSchema("/implementedInterfaces", "get", interfaces);
  auto i = interfaces.Json().as_object();
  CHECK(i.at("getOauthInfo") == true);
  CHECK_FALSE(i.contains("getBasicAuth"));
  CHECK(i.at("findContactWithName") == true);
  CHECK(i.at("listAppointments") == true);
  auto redtail = Request(h.port(), "GET", "/implementedInterfaces?platform=redtail").Json();
  CHECK(redtail.at("listAppointments") == false);
  CHECK(redtail.at("getBasicAuth") == true);
  CHECK(i.at("cacheCallNote") == true);
}

TEST_CASE("contacts: create and search by name", "[contacts]") {
  TestCrmHarness h;
  h.Start();
  const std::string jwt = h.LoginJwt();

  auto made = h.Send("POST", "/contact", jwt,
                     json::object{{"phoneNumber", "+14155550300"},
                                  {"newContactName", "Katherine Johnson"},
                                  {"newContactType", "contact"}});
  INFO(made.body);
  REQUIRE(made.status == 200);
  ExpectSchema("/contact", "post", made);
  CHECK(made.Json().at("successful") == true);
  CHECK(made.Json().at("contact").at("name") == "Katherine Johnson");
  CHECK(made.Json().at("returnMessage").at("message") == "Contact created.");
  // The new contact is in the CRM: a phone lookup finds it.
  auto found = h.Get("/contact?phoneNumber=%2B14155550300", jwt);
  CHECK(found.Json().at("contact").at(0).at("name") == "Katherine Johnson");

  auto search = h.Get("/custom/contact/search?name=Ada", jwt);
  ExpectSchema("/custom/contact/search", "get", search);
  CHECK(search.Json().at("successful") == true);
  CHECK(search.Json().at("contact").as_array().size() == 1);
  CHECK(search.Json().at("contact").at(0).at("id") == 201);
  auto nothing = h.Get("/custom/contact/search?name=Nobody", jwt);
  CHECK(nothing.Json().at("returnMessage").at("message") == "No contact found with name Nobody ");
  auto bad = Request(h.port(), "GET", "/custom/contact/search?name=x&jwtToken=garbage");
  CHECK(bad.status == 400);
  CHECK(bad.body == "Invalid JWT token");

  h.crm.api_status = 429;
  auto limited = h.Send("POST", "/contact", jwt, json::object{{"newContactName", "X"}});
  CHECK(limited.Json().at("successful") == false);
  CHECK(limited.Json().at("returnMessage").at("message") == "Rate limit exceeded");
  h.crm.api_status = 500;
  auto failed = h.Get("/custom/contact/search?name=Ada", jwt);
  CHECK(failed.Json().at("returnMessage").at("message") == "Error searching contacts");
  ExpectSchema("/custom/contact/search", "get", failed);
}

TEST_CASE("call disposition and the note cache", "[calllog]") {
  TestCrmHarness h;
  h.Start();
  const std::string jwt = h.LoginJwt();

  auto no_log = h.Send("PUT", "/callDisposition", jwt,
                       json::object{{"sessionId", "s-none"}, {"dispositions", json::object{}}});
  CHECK(no_log.Json().at("returnMessage").at("message") == "Cannot find log");
  ExpectSchema("/callDisposition", "put", no_log);

  // Server-side logging creates the log later; the note the agent typed comes from the cache.
  auto cached = h.Send("POST", "/callLog/cacheNote", jwt,
                       json::object{{"sessionId", "s-1"}, {"note", "Cached agent note"}});
  CHECK(cached.body == R"({"successful":true,"returnMessage":"Note cache saved"})");
  ExpectSchema("/callLog/cacheNote", "post", cached);
  // The cached note wins over one the server-side logger sends (the reference's rule).
  auto call = CallBody("s-1");
  call["note"] = "Note from the server side";
  auto logged = h.Send("POST", "/callLog", jwt, call, {{"User-Agent", "SSCL"}});
  INFO(logged.body);
  REQUIRE(logged.Json().at("successful") == true);
  const int64_t activity_id = logged.Json().at("logId").to_number<int64_t>();
  const std::string body(h.crm.activity(activity_id).at("body").as_string());
  CHECK(body.find("Cached agent note") != std::string::npos);
  CHECK(body.find("Note from the server side") == std::string::npos);

  auto disp = h.Send("PUT", "/callDisposition", jwt,
                     json::object{{"sessionId", "s-1"},
                                  {"hashedExtensionId", "hashed-ext-105"},
                                  {"dispositions", json::object{{"outcome", "Interested"}}}});
  INFO(disp.body);
  CHECK(disp.Json().at("successful") == true);
  ExpectSchema("/callDisposition", "put", disp);
  CHECK(h.crm.activity(activity_id).at("disposition").at("outcome") == "Interested");
}

TEST_CASE("message logs: once per message, one CRM log per conversation", "[messagelog]") {
  TestCrmHarness h;
  h.Start();
  const std::string jwt = h.LoginJwt();

  auto empty = h.Send("POST", "/messageLog", jwt, MessageBody({}));
  CHECK(empty.Json().at("returnMessage").at("message") == "No message to log.");
  ExpectSchema("/messageLog", "post", empty);
  auto no_contact = MessageBody(json::array{Sms("m1", "hi", "Inbound")});
  no_contact.erase("contactId");
  auto nc = h.Send("POST", "/messageLog", jwt, no_contact);
  CHECK(nc.Json().at("returnMessage").at("message") == "Contact not found for number +14155550100");

  // Newest first, as the client sends them; logged oldest first into one CRM log.
  auto first = h.Send(
      "POST", "/messageLog", jwt,
      MessageBody(json::array{Sms("m2", "second", "Outbound"), Sms("m1", "first", "Inbound")}));
  INFO(first.body);
  REQUIRE(first.status == 200);
  ExpectSchema("/messageLog", "post", first);
  CHECK(first.Json().at("logIds") == json::array{"m1", "m2"});
  REQUIRE(h.crm.message_log_count() == 1);
  auto again =
      h.Send("POST", "/messageLog", jwt,
             MessageBody(json::array{Sms("m3", "third", "Inbound"), Sms("m2", "second", "Outbound"),
                                     Sms("m1", "first", "Inbound")}));
  CHECK(again.Json().at("logIds") == json::array{"m3"});
  CHECK(h.crm.message_log_count() == 1);
  auto log = h.crm.message_log(1001);  // ids: 1000 is none, the fake starts at 1000
  if (log.empty()) log = h.crm.message_log(1000);
  CHECK(log.at("lines") == json::array{"Inbound: first", "Outbound: second", "Inbound: third"});
  auto repeat =
      h.Send("POST", "/messageLog", jwt, MessageBody(json::array{Sms("m3", "third", "Inbound")}));
  CHECK(repeat.Json().at("logIds").as_array().empty());
  CHECK(repeat.Json().at("returnMessage").is_null());

  // A group SMS: ids are scoped per contact, so the same message logs once for each contact;
  // logIds are those scoped row ids ("<message>-<contact>"), as the reference inserts them.
  json::array two{json::object{{"phoneNumber", "+14155550100"}},
                  json::object{{"phoneNumber", "+14155550200"}}};
  auto group = h.Send("POST", "/messageLog", jwt,
                      MessageBody(json::array{Sms("g1", "hello all", "Outbound")}, "conv-g", two));
  CHECK(group.Json().at("logIds") == json::array{"g1-201"});
  auto group2 = MessageBody(json::array{Sms("g1", "hello all", "Outbound")}, "conv-g", two);
  group2["contactId"] = 202;
  auto g2 = h.Send("POST", "/messageLog", jwt, group2);
  CHECK(g2.Json().at("logIds") == json::array{"g1-202"});
  CHECK(h.crm.message_log_count() == 3);

  // No contact name or type sent: the plugin gets "" for both (the reference's `?? ""`).
  auto anonymous = MessageBody(json::array{Sms("a1", "who is this", "Inbound")}, "conv-anon");
  anonymous.erase("contactName");
  anonymous["contactType"] = nullptr;
  auto anon = h.Send("POST", "/messageLog", jwt, anonymous);
  INFO(anon.body);
  REQUIRE(anon.Json().at("successful") == true);
  bool seen = false;
  for (int64_t id = 1000; id < 1010; ++id) {
    auto m = h.crm.message_log(id);
    if (m.empty() || m.at("lines").as_array().empty() ||
        std::string(m.at("lines").at(0).as_string()).find("who is this") == std::string::npos)
      continue;
    seen = true;
    CHECK(m.at("contact_name") == "");
    CHECK(m.at("contact_type") == "");
  }
  CHECK(seen);

  // RingCentral message ids arrive as numbers; logIds are the ids of the rows inserted, which
  // the reference keeps as strings.
  json::object numeric = Sms("ignored", "numbered", "Inbound");
  numeric["id"] = 6424569101;
  auto num = h.Send("POST", "/messageLog", jwt, MessageBody(json::array{numeric}, "conv-num"));
  INFO(num.body);
  CHECK(num.Json().at("logIds") == json::array{"6424569101"});
  CHECK(num.Json().at("logIds").at(0).is_string());

  // A fax: the document link goes to the plugin; the RingCentral token never reaches disk.
  json::object fax = Sms("f1", "Fax", "Inbound", "Fax");
  fax["attachments"] = json::array{json::object{{"type", "RenderedDocument"},
                                                {"uri", "https://media.ringcentral.test/fax/1"},
                                                {"link", "https://app.ringcentral.test/fax/1"}}};
  auto fax_body = MessageBody(json::array{fax}, "conv-fax");
  fax_body["logInfo"].as_object()["rcAccessToken"] = "rc-fax-token-zzzz";
  auto faxed = h.Send("POST", "/messageLog", jwt, fax_body);
  CHECK(faxed.Json().at("logIds") == json::array{"f1"});
  CHECK_FALSE(AnyFileContains(h.dir / "data", "rc-fax-token-zzzz"));
  bool fax_link_sent = false;
  for (auto& r : h.crm.server().requests())
    if (r.path == "/api/messages" &&
        r.body.find("https://app.ringcentral.test/fax/1") != std::string::npos)
      fax_link_sent = true;
  CHECK(fax_link_sent);

  // A voicemail's recording and an MMS image reach the plugin as links.
  json::object vm = Sms("v1", "Voicemail", "Inbound", "VoiceMail");
  vm["attachments"] = json::array{json::object{{"type", "AudioRecording"},
                                               {"uri", "https://media.ringcentral.test/vm/1"},
                                               {"link", "https://app.ringcentral.test/vm/1"}}};
  json::object mms = Sms("i1", "photo", "Inbound", "MMS");
  mms["attachments"] = json::array{json::object{{"type", "MmsAttachment"},
                                                {"uri", "https://media.ringcentral.test/mms/1"},
                                                {"contentType", "image/png"}}};
  REQUIRE(h.Send("POST", "/messageLog", jwt, MessageBody(json::array{vm}, "conv-vm")).status ==
          200);
  REQUIRE(h.Send("POST", "/messageLog", jwt, MessageBody(json::array{mms}, "conv-mms")).status ==
          200);
  bool recording_sent = false, image_sent = false;
  for (auto& r : h.crm.server().requests()) {
    if (r.path != "/api/messages") continue;
    recording_sent |=
        r.body.find(R"("recordingLink":"https://app.ringcentral.test/vm/1")") != std::string::npos;
    image_sent |=
        r.body.find(
            "ringcentral-media-reader/?media=https%3A%2F%2Fmedia.ringcentral.test%2Fmms%2F1") !=
        std::string::npos;
  }
  CHECK(recording_sent);
  CHECK(image_sent);

  // The CRM failing: nothing is recorded, so a retry logs the message.
  h.crm.api_status = 500;
  auto down = h.Send("POST", "/messageLog", jwt,
                     MessageBody(json::array{Sms("x1", "lost?", "Inbound")}, "conv-x"));
  CHECK(down.Json().at("successful") == false);
  CHECK(down.Json().at("returnMessage").at("message") == "Error creating message log");
  h.crm.api_status = 0;
  auto retry = h.Send("POST", "/messageLog", jwt,
                      MessageBody(json::array{Sms("x1", "lost?", "Inbound")}, "conv-x"));
  CHECK(retry.Json().at("logIds") == json::array{"x1"});
}

TEST_CASE("shared SMS: one CRM log per conversation, recomposed", "[messagelog]") {
  TestCrmHarness h;
  h.Start();
  const std::string jwt = h.LoginJwt();
  auto body = MessageBody(json::array{Sms("s1", "need help", "Inbound")}, "conv-shared");
  body["logInfo"].as_object()["owner"] = json::object{{"name", "Support Queue"}};
  body["logInfo"].as_object()["assignee"] = json::object{{"name", "Grace"}};
  auto first = h.Send("POST", "/messageLog", jwt, body);
  INFO(first.body);
  CHECK(first.Json().at("logIds") == json::array{"conv-shared-20261124"});
  body["logInfo"].as_object()["messages"].as_array().insert(
      body["logInfo"].as_object()["messages"].as_array().begin(), Sms("s2", "on it", "Outbound"));
  auto second = h.Send("POST", "/messageLog", jwt, body);
  CHECK(second.Json().at("logIds").as_array().empty());
  CHECK(h.crm.message_log_count() == 1);
  CHECK(h.crm.server().count("POST", "/api/messages") == 1);
}

TEST_CASE("GET /callLog answers returnMessage null as the reference does", "[calllog]") {
  TestCrmHarness h;
  h.Start();
  const std::string jwt = h.LoginJwt();
  // Whole documents: the same keys, nulls and types as the reference.
  auto unknown = h.Get("/callLog?sessionIds=no-such-session,0", jwt);
  INFO(unknown.body);
  CHECK(unknown.status == 200);
  CHECK(unknown.Json() ==
        json::value(json::object{
            {"successful", true},
            {"logs", json::array{json::object{{"sessionId", "no-such-session"}, {"matched", false}},
                                 json::object{{"sessionId", "0"}, {"matched", false}}}},
            {"returnMessage", nullptr}}));
  ExpectSchema("/callLog", "get", unknown);
}

}  // namespace crmhost::testing

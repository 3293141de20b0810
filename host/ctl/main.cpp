// crmhostctl: the administrator's command line for a running crmhostd (through its ops API).
//
//   crmhostctl plugins list [--json]
//   crmhostctl plugins reload
//   crmhostctl plugins rollback NAME
//   crmhostctl status                  readiness checks and plugins
//   crmhostctl check-config [--config FILE]
//
// Exit status: 0 done, 1 the daemon refused or could not be reached, 2 usage error.
#include <CLI/CLI.hpp>

#include <boost/json.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "ctl/ops_client.h"
#include "ops/config_file.h"
#include "ops/options.h"
#include "version.h"

namespace json = boost::json;

namespace {

std::string ReadToken(const std::string& file) {
  std::ifstream in(file);
  if (!in) return {};
  std::stringstream ss;
  ss << in.rdbuf();
  std::string t = ss.str();
  while (!t.empty() && (t.back() == '\n' || t.back() == '\r' || t.back() == ' '))
    t.pop_back();
  return t;
}

std::string Field(const json::object& o, const char* k) {
  auto* v = o.if_contains(k);
  if (!v || v->is_null()) return "-";
  if (v->is_string()) return std::string(v->get_string());
  return json::serialize(*v);
}

void PrintTable(const json::array& plugins) {
  std::printf("%-16s %-12s %-8s %4s %8s %8s  %-12s %s\n", "NAME", "VERSION", "STATE", "GEN",
              "INFLIGHT", "DRAINING", "SHA256", "LAST ERROR");
  for (auto& p : plugins) {
    const auto& o = p.as_object();
    std::string sha = Field(o, "sha256");
    std::printf("%-16s %-12s %-8s %4s %8s %8s  %-12s %s\n", Field(o, "name").c_str(),
                Field(o, "version").c_str(), Field(o, "state").c_str(),
                Field(o, "generation").c_str(), Field(o, "inflight").c_str(),
                Field(o, "draining").c_str(), sha.substr(0, 12).c_str(),
                Field(o, "lastError").c_str());
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"crmhostctl: administer a running crmhostd through its ops API"};
  app.set_version_flag("--version", std::string("crmhostctl ") + crmhost::kVersion);
  app.require_subcommand(1);
  std::string ops = "http://127.0.0.1:6067";
  std::string token_file = "crmhost-data/ops.token";
  bool as_json = false;
  app.add_option("--ops", ops, "crmhostd's ops API")->capture_default_str();
  app.add_option("--token-file", token_file, "the ops token (crmhostd's --ops-token-file)")
      ->capture_default_str();
  app.add_flag("--json", as_json, "print the daemon's JSON answer");
  auto* plugins = app.add_subcommand("plugins", "list, reload or roll back plugins");
  plugins->require_subcommand(1);
  plugins->add_subcommand("list",
                          "show every plugin: version, state, generation, requests, last error");
  plugins->add_subcommand("reload", "rescan the plugin directory now");
  std::string name;
  auto* rollback =
      plugins->add_subcommand("rollback", "republish the previous good version of a plugin");
  rollback->add_option("name", name, "plugin name")->required();
  auto* status = app.add_subcommand("status", "readiness checks (/readyz) and the plugins");
  std::string config = crmhost::ops::kDefaultConfigFile;
  auto* check = app.add_subcommand(
      "check-config", "validate a configuration file as crmhostd would read it, and exit");
  check->add_option("--config", config, "the TOML file")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  if (check->parsed()) {
    std::string a0 = "crmhostd", a1 = "--check-config", a2 = "--config";
    std::vector<char*> args{a0.data(), a1.data(), a2.data(), config.data()};
    auto parsed = crmhost::ops::ParseOptions(int(args.size()), args.data());
    return std::holds_alternative<int>(parsed) ? std::get<int>(parsed) : 0;
  }
  if (status->parsed()) {
    auto ready = crmhost::ctl::CallOps(ops, "GET", "/readyz?verbose", "");
    if (!ready.ok()) {
      std::cerr << "crmhostctl: " << ready.status().message() << "\n";
      return 1;
    }
    std::cout << ready->body;
    if (ready->status != 200) return 1;
  }

  const std::string token = ReadToken(token_file);
  if (token.empty()) {
    std::cerr << "crmhostctl: cannot read the ops token from " << token_file
              << " (use --token-file)\n";
    return 2;
  }
  std::string method = "GET", path = "/plugins";
  if (plugins->got_subcommand("reload")) {
    method = "POST";
    path = "/plugins/reload";
  } else if (plugins->got_subcommand("rollback")) {
    method = "POST";
    path = "/plugins/" + name + "/rollback";
  }
  auto r = crmhost::ctl::CallOps(ops, method, path, token);
  if (!r.ok()) {
    std::cerr << "crmhostctl: " << r.status().message() << "\n";
    return 1;
  }
  boost::system::error_code ec;
  json::value body = json::parse(r->body, ec);
  if (r->status != 200) {
    std::string msg = !ec && body.is_object() && body.as_object().contains("error")
                          ? std::string(body.as_object().at("error").as_string())
                          : r->body;
    std::cerr << "crmhostctl: " << method << " " << path << " -> " << r->status << ": " << msg
              << "\n";
    return 1;
  }
  if (as_json || ec) {
    std::cout << r->body << "\n";
    return 0;
  }
  if (body.is_array()) {
    PrintTable(body.as_array());
  } else if (body.as_object().contains("plugins")) {
    const auto& o = body.as_object();
    for (const char* k : {"published", "refused", "removed"})
      for (auto& line : o.at(k).as_array())
        std::printf("%s: %s\n", k, std::string(line.as_string()).c_str());
    PrintTable(o.at("plugins").as_array());
  } else {
    PrintTable(json::array{body});
  }
  return 0;
}

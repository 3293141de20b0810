// The operations table (host/plugins/operations.h) against the ABI document and itself.
#include <catch2/catch.hpp>

#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "plugins/operations.h"

using namespace crmhost::plugins;

TEST_CASE("operations: names are unique, three are required, the document lists each",
          "[operations]") {
  std::ifstream in(std::string(CRMHOST_SOURCE_DIR) + "/docs/PLUGIN_ABI.md");
  REQUIRE(in);
  std::stringstream abi;
  abi << in.rdbuf();
  std::set<std::string_view> names, required;
  for (const OperationSpec& spec : kOperations) {
    INFO(spec.name);
    CHECK(names.insert(spec.name).second);
    if (spec.required) required.insert(spec.name);
    CHECK(abi.str().find("`" + std::string(spec.name) + "`") != std::string::npos);
    CHECK_FALSE(spec.input.empty());
    CHECK_FALSE(spec.output.empty());
    REQUIRE(Operation::Find(spec.name));
    CHECK(Operation::Find(spec.name)->name() == spec.name);
  }
  CHECK(required == std::set<std::string_view>{"getAuthType", "createCallLog", "updateCallLog"});
  CHECK_FALSE(Operation::Find("creatCallLog"));
  CHECK_FALSE(Operation::Find(""));
  constexpr Operation kCompileTime = "findContact";
  static_assert(kCompileTime.name() == "findContact");
}

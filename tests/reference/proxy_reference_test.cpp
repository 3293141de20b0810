// The proxy connector example the reference's connector documentation gives (its section 3.4)
// loads in our proxy engine as written.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "definition.h"

namespace proxy {

TEST_CASE("proxy definitions: the reference's example loads", "[reference][proxy]") {
  std::ifstream in(std::string(CRMHOST_SHARED_DIR) + "/reference/connector-interface.md");
  REQUIRE(in);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string doc = ss.str();
  const size_t section = doc.find("### 3.4");
  REQUIRE(section != std::string::npos);
  const size_t start = doc.find("```json\n", section);
  REQUIRE(start != std::string::npos);
  const size_t end = doc.find("```", start + 8);
  REQUIRE(end != std::string::npos);
  auto ref = ParseDefinition(doc.substr(start + 8, end - start - 8));
  INFO((ref.errors.empty() ? std::string() : ref.errors[0]));
  REQUIRE(ref.definition);
  CHECK(ref.definition->operations.size() == 8);
  CHECK(ref.definition->log_format == "text/markdown");
}

}  // namespace proxy

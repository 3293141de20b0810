// The PostgreSQL tests' runner: SKIPPED (exit 77) when the fixture started no server, so a
// machine without PostgreSQL never reports them as passed.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <iostream>

#include "support/pg_server.h"

int main(int argc, char** argv) {
  if (!crmhost::testing::PgTestServer::Find()) {
    std::cout << "SKIPPED: no test PostgreSQL (CRMHOST_TEST_PG_DIR; tests/postgres/pg_server.sh)\n";
    return 77;
  }
  return Catch::Session().run(argc, argv);
}

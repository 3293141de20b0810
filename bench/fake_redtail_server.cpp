// The tests' FakeRedtail as a standalone process, for benchmarks: crmhostd talks to it through
// --outbound-override exactly as in the integration tests. Prints "port N" and serves until
// killed.
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <thread>

#include "support/fake_redtail.h"

int main() {
  crmhost::testing::FakeRedtail fake;
  fake.server().set_recording(false);
  std::cout << "port " << fake.server().port() << std::endl;
  for (;;)
    std::this_thread::sleep_for(std::chrono::hours(1));
}

// The tests' CRM fakes as standalone processes, for benchmarks: crmhostd talks to them through
// --outbound-override exactly as in the integration tests. Prints "port N" and serves until
// killed.
//   bench_fake_crm [--crm redtail|insightly] [--delay-ms N]
//     --crm       which fake (default redtail)
//     --delay-ms  every answer N ms late (a slow CRM)
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <memory>
#include <string>
#include <thread>

#include "support/fake_insightly.h"
#include "support/fake_redtail.h"

int main(int argc, char** argv) {
  int delay_ms = 0;
  std::string crm = "redtail";
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--delay-ms") == 0) delay_ms = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--crm") == 0) crm = argv[i + 1];
  }
  std::unique_ptr<crmhost::testing::FakeRedtail> redtail;
  std::unique_ptr<crmhost::testing::FakeInsightly> insightly;
  if (crm == "insightly") {
    insightly = std::make_unique<crmhost::testing::FakeInsightly>();
    insightly->server().set_recording(false);
    if (delay_ms > 0) insightly->failures().Delay("/", delay_ms);
    std::cout << "port " << insightly->server().port() << std::endl;
  } else {
    redtail = std::make_unique<crmhost::testing::FakeRedtail>();
    redtail->server().set_recording(false);
    if (delay_ms > 0) redtail->failures().Delay("/", delay_ms);
    std::cout << "port " << redtail->server().port() << std::endl;
  }
  for (;;)
    std::this_thread::sleep_for(std::chrono::hours(1));
}

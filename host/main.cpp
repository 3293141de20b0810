// crmhostd: the App Connect CRM plugin host daemon.
#include <variant>

#include "ops/daemon.h"
#include "ops/options.h"

int main(int argc, char** argv) {
  auto parsed = crmhost::ops::ParseOptions(argc, argv);
  if (auto* code = std::get_if<int>(&parsed)) return *code;
  return crmhost::ops::RunDaemon(std::get<crmhost::ops::Options>(parsed));
}

// Compiled by ctest, not linked: with CRMHOST_GOOD_NAME it must compile; without, the misspelt
// operation name must not (plugins::Operation's constructor is consteval). The pair shows the
// refusal comes from the name, not from a broken command line.
#include "plugins/operations.h"

#ifdef CRMHOST_GOOD_NAME
constexpr crmhost::plugins::Operation kOp = "createCallLog";
#else
constexpr crmhost::plugins::Operation kOp = "creatCallLog";
#endif

static_assert(kOp.name().size() > 0);

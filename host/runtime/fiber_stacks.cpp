#include "runtime/fiber_stacks.h"

#include <unistd.h>

namespace crmhost::fiber_internal {

size_t PageSize() {
  static const size_t page = size_t(::sysconf(_SC_PAGESIZE));
  return page;
}

}  // namespace crmhost::fiber_internal

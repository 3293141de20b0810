#include <unistd.h>

#include <fstream>

#include "runtime/resident_memory.h"

namespace crmhost {

uint64_t ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  uint64_t pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * uint64_t(::sysconf(_SC_PAGESIZE));
}

}  // namespace crmhost

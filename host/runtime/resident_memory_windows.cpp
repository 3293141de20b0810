#include <windows.h>
// (after windows.h)
#include <psapi.h>

#include "runtime/resident_memory.h"

namespace crmhost {

uint64_t ResidentBytes() {
  PROCESS_MEMORY_COUNTERS counters{};
  counters.cb = sizeof counters;
  if (!::K32GetProcessMemoryInfo(::GetCurrentProcess(), &counters, sizeof counters)) return 0;
  return counters.WorkingSetSize;
}

}  // namespace crmhost

// The daemon's resident memory, for /metrics (crmhost_resident_memory_bytes): the pages it has
// in RAM now, as top's RES (Linux) or Task Manager's working set (Windows) shows.
#ifndef CRMHOST_RUNTIME_RESIDENT_MEMORY_H
#define CRMHOST_RUNTIME_RESIDENT_MEMORY_H

#include <cstdint>

namespace crmhost {

uint64_t ResidentBytes();

}  // namespace crmhost

#endif  // CRMHOST_RUNTIME_RESIDENT_MEMORY_H

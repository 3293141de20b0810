// Handing memory back to the system after a burst.
//
// glibc's malloc keeps freed memory in its arenas for reuse: after a burst of large requests the
// daemon's RSS stays at the burst's peak although nothing uses it. TrimFreeMemory asks malloc to
// give free pages back (malloc_trim) when more than `threshold` bytes sit free; the daemon calls
// it once a second from its event loop. A no-op where the C library has no such call.
#ifndef CRMHOST_RUNTIME_MEMORY_TRIM_H
#define CRMHOST_RUNTIME_MEMORY_TRIM_H

#include <cstddef>

namespace crmhost {

// Returns the bytes malloc held free before trimming (0 when it did not trim).
size_t TrimFreeMemory(size_t threshold);

}  // namespace crmhost

#endif  // CRMHOST_RUNTIME_MEMORY_TRIM_H

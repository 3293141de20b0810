#include "runtime/memory_trim.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace crmhost {

size_t TrimFreeMemory(size_t threshold) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
  const struct mallinfo2 info = ::mallinfo2();
  // fordblks: free bytes inside the arenas (what a burst left behind).
  if (info.fordblks < threshold) return 0;
  ::malloc_trim(0);
  return info.fordblks;
#else
  (void)threshold;
  return 0;
#endif
}

}  // namespace crmhost

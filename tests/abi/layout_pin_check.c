/* Compiled by ctest (tests/CMakeLists.txt) as C99, C11 and C++: plugin.h as it is must compile;
 * under CRMHOST_PACKED (an active #pragma pack(1), as a careless build might have) its layout
 * pins must stop the compile, because such a plugin's structs would not match the host's. */
#ifdef CRMHOST_PACKED
#pragma pack(push, 1)
#endif
#include <crmhost/plugin.h>
#ifdef CRMHOST_PACKED
#pragma pack(pop)
#endif

int crmhost_layout_pin_check(void);
int crmhost_layout_pin_check(void) {
  return (int)sizeof(crmh_http_request);
}

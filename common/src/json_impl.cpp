// Boost.JSON and Boost.URL are used header-only; their implementation is compiled exactly once,
// here, into crmhost::common, which every host binary links (see docs/ARCHITECTURE.md).
#include <boost/json/src.hpp>
#include <boost/url/src.hpp>

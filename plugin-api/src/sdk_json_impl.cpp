// Boost.JSON's implementation, compiled once into each C++ plugin (crmhost_add_plugin adds
// this file). Plugins are separate shared objects with hidden symbols, so each carries its
// own copy and none clashes with the host's.
#include <boost/json/src.hpp>

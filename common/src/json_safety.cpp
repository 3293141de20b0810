#include "crmhost/json_safety.h"

#include <boost/json.hpp>
#include <cmath>
#include <vector>

namespace crmhost {

size_t ReplaceNonFinite(boost::json::value& v) {
  // Iterative: a value may nest deeper than the stack likes (plugin output is not depth-limited).
  size_t replaced = 0;
  std::vector<boost::json::value*> todo{&v};
  while (!todo.empty()) {
    boost::json::value* at = todo.back();
    todo.pop_back();
    if (at->is_double()) {
      if (!std::isfinite(at->get_double())) {
        *at = nullptr;
        ++replaced;
      }
    } else if (auto* o = at->if_object()) {
      for (auto& kv : *o)
        todo.push_back(&kv.value());
    } else if (auto* a = at->if_array()) {
      for (auto& e : *a)
        todo.push_back(&e);
    }
  }
  return replaced;
}

}  // namespace crmhost

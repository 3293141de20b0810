// JSON values that survive a round trip through text.
//
// Boost.JSON parses a number beyond double's range (1e400) as infinity, and serializes infinity
// as the bare token `Infinity`, which no JSON parser reads back. A value like that, stored, makes
// its whole record unreadable (a user locked out by one setting; found by fuzzing the store's
// decoders). Every value that may reach storage passes through ReplaceNonFinite first.
#ifndef CRMHOST_JSON_SAFETY_H
#define CRMHOST_JSON_SAFETY_H

#include <boost/json/value.hpp>

namespace crmhost {

// Replaces every infinite or NaN number in `v` (at any depth) with null: what JavaScript's
// JSON.stringify, and so the reference server, makes of them. Returns how many it replaced.
size_t ReplaceNonFinite(boost::json::value& v);

}  // namespace crmhost

#endif  // CRMHOST_JSON_SAFETY_H

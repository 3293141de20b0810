// SuiteQL for FakeNetSuite: a tokenizer, parser and evaluator for the SELECTs the NetSuite plugin
// sends (columns or *, one LEFT [OUTER] JOIN ... ON, WHERE with AND/OR/NOT, comparisons, LIKE,
// IS [NOT] NULL, LOWER/UPPER/REGEXP_REPLACE/TO_DATE, ORDER BY), run against rows the caller
// supplies, plus the recognizer of the plugin's query shapes (the fact sheet's texts), so that any
// other query fails its test. Only support/fake_netsuite.cpp uses it.
#ifndef CRMHOST_TESTS_FAKE_SUITEQL_H
#define CRMHOST_TESTS_FAKE_SUITEQL_H

#include <boost/json.hpp>
#include <cctype>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace crmhost::testing::suiteql {

// A query SuiteQL refuses (syntax, unknown record, field or function, bad value); what() is the
// reason FakeNetSuite puts in its 400 "Search error occurred: ..." answer.
struct SqlError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A table's rows by its lower-case name, as SuiteQL sees them (lower-case column names, NULLs
// left out); the caller owns the records, so the evaluator asks it for each table it reads.
using Tables = std::function<std::vector<boost::json::object>(const std::string&)>;

// Runs `text` against `tables`: the items of a SuiteQL answer (each with "links", NULL columns
// left out), or nullopt when the query parses but is none of the plugin's, so FakeNetSuite can
// answer 400 naming it. Throws SqlError when the text does not parse, names an unknown record or
// field, or fails while evaluating.
std::optional<boost::json::array> Execute(const std::string& text, const Tables& tables);

// `s` in lower case (ASCII): SuiteQL keywords, names and functions are case-insensitive, and so
// are many of the names FakeNetSuite compares.
inline std::string Lower(std::string s) {
  for (char& c : s)
    c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// A value as SuiteQL text: strings as they are, booleans "T"/"F", NULL "", anything else as JSON;
// what LIKE and functions see, and how FakeNetSuite quotes a value in its error messages.
inline std::string AsText(const boost::json::value& v) {
  if (v.is_string()) return std::string(v.get_string());
  if (v.is_bool()) return v.get_bool() ? "T" : "F";
  if (v.is_null()) return "";
  return boost::json::serialize(v);
}

}  // namespace crmhost::testing::suiteql

#endif  // CRMHOST_TESTS_FAKE_SUITEQL_H

#include "support/fake_suiteql.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <map>
#include <regex>
#include <set>
#include <utility>

namespace crmhost::testing::suiteql {
namespace json = boost::json;

namespace {

// ---- SuiteQL: a parser and evaluator for the SELECTs the plugin sends -------------------------

struct Token {
  enum Kind { kWord, kNumber, kString, kSymbol, kEnd } kind;
  std::string text;  // a string literal unescaped ('' -> ')
};

std::vector<Token> Tokenize(std::string_view q) {
  std::vector<Token> out;
  auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  size_t i = 0;
  while (i < q.size()) {
    const char c = q[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (std::isdigit(static_cast<unsigned char>(c))) {
      size_t j = i;
      while (j < q.size() && std::isdigit(static_cast<unsigned char>(q[j])))
        ++j;
      out.push_back({Token::kNumber, std::string(q.substr(i, j - i))});
      i = j;
    } else if (word(c)) {
      size_t j = i;
      while (j < q.size() && word(q[j]))
        ++j;
      out.push_back({Token::kWord, std::string(q.substr(i, j - i))});
      i = j;
    } else if (c == '\'') {
      std::string s;
      for (++i;; ++i) {
        if (i >= q.size()) throw SqlError("unterminated string literal");
        if (q[i] == '\'') {
          if (i + 1 < q.size() && q[i + 1] == '\'') {
            s += '\'';
            ++i;
            continue;
          }
          ++i;
          break;
        }
        s += q[i];
      }
      out.push_back({Token::kString, std::move(s)});
    } else {
      const std::string_view two = q.substr(i, 2);
      if (two == ">=" || two == "<=" || two == "<>" || two == "!=") {
        out.push_back({Token::kSymbol, std::string(two)});
        i += 2;
      } else if (std::string_view("(),.*=<>").find(c) != std::string_view::npos) {
        out.push_back({Token::kSymbol, std::string(1, c)});
        ++i;
      } else {
        throw SqlError(std::string("unexpected character '") + c + "'");
      }
    }
  }
  out.push_back({Token::kEnd, ""});
  return out;
}

struct Expr {
  enum Kind { kOr, kAnd, kNot, kCompare, kColumn, kString, kNumber, kNull, kCall } kind;
  std::string text;   // operator or function (lower-case), column (lower-case) or literal
  std::string table;  // a column's qualifier (lower-case), "" when none
  std::vector<Expr> args;
};

struct Column {
  Expr column;
  std::string alias;                                                               // "" when none
  const std::string& name() const { return alias.empty() ? column.text : alias; }  // in items
};

struct Query {
  bool star = false;
  std::vector<Column> columns;
  std::string from, join;  // lower-case; join: the LEFT JOINed table, "" when none
  std::optional<Expr> on, where;
  std::vector<std::pair<Expr, bool>> order;  // column, descending
};

class Parser {
 public:
  explicit Parser(std::string_view text) : tokens_(Tokenize(text)) {}

  Query Parse() {
    Query q;
    Keyword("select");
    if (Symbol("*")) {
      q.star = true;
    } else {
      do {
        Column c{ColumnRef(), ""};
        if (Word("as")) c.alias = Lower(Name());
        q.columns.push_back(std::move(c));
      } while (Symbol(","));
    }
    Keyword("from");
    q.from = Lower(Name());
    if (Word("left")) {
      Word("outer");
      Keyword("join");
      q.join = Lower(Name());
      Keyword("on");
      q.on = Or();
    }
    if (Word("where")) q.where = Or();
    if (Word("order")) {
      Keyword("by");
      do {
        Expr c = ColumnRef();
        const bool desc = Word("desc");
        if (!desc) Word("asc");
        q.order.emplace_back(std::move(c), desc);
      } while (Symbol(","));
    }
    if (Peek().kind != Token::kEnd) throw SqlError("unexpected '" + Peek().text + "'");
    return q;
  }

 private:
  const Token& Peek() const { return tokens_[pos_]; }
  bool Word(std::string_view w) {
    if (Peek().kind != Token::kWord || Lower(Peek().text) != w) return false;
    ++pos_;
    return true;
  }
  bool Symbol(std::string_view s) {
    if (Peek().kind != Token::kSymbol || Peek().text != s) return false;
    ++pos_;
    return true;
  }
  void Keyword(std::string_view w) {
    if (!Word(w)) throw SqlError("expected " + std::string(w) + " near '" + Peek().text + "'");
  }
  void Close() {
    if (!Symbol(")")) throw SqlError("expected ) near '" + Peek().text + "'");
  }
  static bool Reserved(const std::string& w) {
    static const std::set<std::string> kReserved = {
        "select", "from",  "where", "and", "or",   "not", "like", "left", "outer", "join",
        "on",     "order", "by",    "asc", "desc", "as",  "is",   "null", "in"};
    return kReserved.count(Lower(w)) > 0;
  }
  std::string Name() {
    if (Peek().kind != Token::kWord || Reserved(Peek().text))
      throw SqlError("expected a name near '" + Peek().text + "'");
    return tokens_[pos_++].text;
  }
  Expr ColumnRef() {
    std::string first = Lower(Name());
    if (Symbol(".")) return Expr{Expr::kColumn, Lower(Name()), std::move(first), {}};
    return Expr{Expr::kColumn, std::move(first), "", {}};
  }
  Expr Or() {
    std::vector<Expr> parts{And()};
    while (Word("or"))
      parts.push_back(And());
    return parts.size() == 1 ? std::move(parts[0]) : Expr{Expr::kOr, "", "", std::move(parts)};
  }
  Expr And() {
    std::vector<Expr> parts{Not()};
    while (Word("and"))
      parts.push_back(Not());
    return parts.size() == 1 ? std::move(parts[0]) : Expr{Expr::kAnd, "", "", std::move(parts)};
  }
  Expr Not() {
    if (Word("not")) return Expr{Expr::kNot, "", "", {Not()}};
    if (Symbol("(")) {
      Expr e = Or();
      Close();
      return e;
    }
    return Comparison();
  }
  Expr Comparison() {
    Expr left = Operand();
    std::string op;
    for (const char* s : {">=", "<=", "<>", "!=", "=", "<", ">"})
      if (Symbol(s)) {
        op = s;
        break;
      }
    if (op.empty()) {
      if (Word("is")) {
        op = Word("not") ? "is not null" : "is null";
        Keyword("null");
        return Expr{Expr::kCompare, op, "", {std::move(left)}};
      }
      const bool negated = Word("not");
      if (!Word("like")) throw SqlError("expected a comparison near '" + Peek().text + "'");
      op = negated ? "not like" : "like";
    }
    return Expr{Expr::kCompare, op, "", {std::move(left), Operand()}};
  }
  Expr Operand() {
    const Token t = Peek();
    if (t.kind == Token::kString || t.kind == Token::kNumber) {
      ++pos_;
      return Expr{t.kind == Token::kString ? Expr::kString : Expr::kNumber, t.text, "", {}};
    }
    if (t.kind != Token::kWord) throw SqlError("unexpected '" + t.text + "'");
    if (Lower(t.text) == "null") {
      ++pos_;
      return Expr{Expr::kNull, "", "", {}};
    }
    if (tokens_[pos_ + 1].kind == Token::kSymbol && tokens_[pos_ + 1].text == "(") {
      pos_ += 2;
      Expr call{Expr::kCall, Lower(t.text), "", {}};
      if (!Symbol(")")) {
        do {
          call.args.push_back(Operand());
        } while (Symbol(","));
        Close();
      }
      return call;
    }
    return ColumnRef();
  }

  std::vector<Token> tokens_;
  size_t pos_ = 0;
};

// The columns SuiteQL knows per table (a query naming another fails, as NetSuite's does).
const std::set<std::string>* KnownColumns(const std::string& table) {
  static const std::map<std::string, std::set<std::string>> kColumns = {
      {"contact",
       {"id", "entityid", "entitytitle", "firstname", "middlename", "lastname", "phone",
        "homephone", "mobilephone", "officephone", "email", "company", "subsidiary", "title",
        "comments", "isinactive", "datecreated", "lastmodifieddate"}},
      {"customer",
       {"id", "entityid", "entitytitle", "companyname", "isperson", "firstname", "middlename",
        "lastname", "phone", "homephone", "mobilephone", "altphone", "email", "entitystatus",
        "subsidiary", "comments", "isinactive", "datecreated", "lastmodifieddate"}},
      {"vendor",
       {"id", "entityid", "entitytitle", "companyname", "isperson", "firstname", "middlename",
        "lastname", "phone", "homephone", "mobilephone", "altphone", "email", "subsidiary",
        "comments", "isinactive", "datecreated", "lastmodifieddate"}},
      {"transaction",
       {"id", "entity", "type", "tranid", "trandisplayname", "title", "status", "trandate",
        "createddate", "lastmodifieddate"}},
      {"employee",
       {"id", "entityid", "firstname", "middlename", "lastname", "email", "giveaccess",
        "isinactive"}},
      {"customerstatus", {"id", "name", "stage", "isinactive", "probability"}}};
  auto it = kColumns.find(table);
  return it == kColumns.end() ? nullptr : &it->second;
}

void CheckColumns(const Query& q, const Expr& e) {
  if (e.kind == Expr::kColumn) {
    const std::string& table = e.table.empty() ? q.from : e.table;
    if (table != q.from && table != q.join)
      throw SqlError("Unknown identifier '" + e.table + "." + e.text + "'");
    if (!KnownColumns(table)->count(e.text))
      throw SqlError("Field '" + e.text + "' for record '" + table + "' was not found.");
  }
  for (const Expr& a : e.args)
    CheckColumns(q, a);
}

void CheckColumns(const Query& q) {
  for (const std::string& table : {q.from, q.join})
    if (!table.empty() && !KnownColumns(table))
      throw SqlError("Record '" + table + "' was not found.");
  for (const Column& c : q.columns)
    CheckColumns(q, c.column);
  if (q.on) CheckColumns(q, *q.on);
  if (q.where) CheckColumns(q, *q.where);
  for (auto& [c, desc] : q.order)
    CheckColumns(q, c);
}

struct Scope {
  const Query* query;
  const json::object* from;
  const json::object* join;  // nullptr: no joined row (LEFT JOIN)
};

json::value Value(const Expr& e, const Scope& s);

json::value Call(const Expr& e, const Scope& s) {
  std::vector<json::value> a;
  for (const Expr& arg : e.args)
    a.push_back(Value(arg, s));
  auto arity = [&](size_t n) {
    if (a.size() != n)
      throw SqlError("function " + e.text + " takes " + std::to_string(n) + " arguments");
  };
  if (e.text == "lower" || e.text == "upper") {
    arity(1);
    if (a[0].is_null()) return nullptr;
    std::string t = AsText(a[0]);
    for (char& c : t)
      c = char(e.text == "lower" ? std::tolower(static_cast<unsigned char>(c))
                                 : std::toupper(static_cast<unsigned char>(c)));
    return json::string(t);
  }
  if (e.text == "regexp_replace") {
    arity(3);
    if (a[0].is_null()) return nullptr;
    try {
      const std::string out =
          std::regex_replace(AsText(a[0]), std::regex(AsText(a[1])), AsText(a[2]));
      if (out.empty()) return nullptr;  // Oracle's '' is NULL
      return json::string(out);
    } catch (const std::regex_error&) {
      throw SqlError("invalid regular expression '" + AsText(a[1]) + "'");
    }
  }
  if (e.text == "to_date") {
    arity(2);
    static const std::regex kStamp(R"(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})");
    const std::string t = AsText(a[0]);
    if (Lower(AsText(a[1])) != "yyyy-mm-dd hh24:mi:ss" || !std::regex_match(t, kStamp))
      throw SqlError("TO_DATE('" + t + "', '" + AsText(a[1]) + "') is not supported");
    return json::string(t.substr(0, 10) + "T" + t.substr(11) + "Z");  // compares with ISO stamps
  }
  throw SqlError("Unknown function " + e.text);
}

json::value Value(const Expr& e, const Scope& s) {
  switch (e.kind) {
    case Expr::kString:
      return json::string(e.text);
    case Expr::kNumber:
      return std::atoll(e.text.c_str());
    case Expr::kNull:
      return nullptr;
    case Expr::kCall:
      return Call(e, s);
    case Expr::kColumn: {
      const json::object* row = e.table.empty() || e.table == s.query->from ? s.from : s.join;
      const json::value* v = row ? row->if_contains(e.text) : nullptr;
      return v ? *v : json::value();
    }
    default:
      throw SqlError("a condition where a value belongs");
  }
}

// <0, 0 or >0; nullopt when a side is NULL. Numbers compare with numbers as Oracle does.
std::optional<int> Compare(const json::value& a, const json::value& b) {
  if (a.is_null() || b.is_null()) return std::nullopt;
  if (a.is_number() || b.is_number()) {
    auto number = [](const json::value& v) {
      if (v.is_number()) return v.to_number<double>();
      const std::string t = AsText(v);
      char* end = nullptr;
      const double d = std::strtod(t.c_str(), &end);
      if (t.empty() || *end) throw SqlError("Invalid number: '" + t + "'");
      return d;
    };
    const double x = number(a), y = number(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  const int c = AsText(a).compare(AsText(b));
  return c < 0 ? -1 : c > 0 ? 1 : 0;
}

// SQL LIKE: % any run, _ one character; case-sensitive, as Oracle's.
bool Like(std::string_view s, std::string_view p) {
  size_t si = 0, pi = 0, star = std::string_view::npos, mark = 0;
  while (si < s.size()) {
    if (pi < p.size() && p[pi] == '%') {
      star = pi++;
      mark = si;
    } else if (pi < p.size() && (p[pi] == '_' || p[pi] == s[si])) {
      ++si;
      ++pi;
    } else if (star != std::string_view::npos) {
      pi = star + 1;
      si = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '%')
    ++pi;
  return pi == p.size();
}

// SQL's three values: nullopt is unknown.
std::optional<bool> Test(const Expr& e, const Scope& s) {
  switch (e.kind) {
    case Expr::kOr:
    case Expr::kAnd: {
      const bool any = e.kind == Expr::kOr;  // the value that decides
      bool unknown = false;
      for (const Expr& a : e.args) {
        const std::optional<bool> r = Test(a, s);
        if (!r)
          unknown = true;
        else if (*r == any)
          return any;
      }
      if (unknown) return std::nullopt;
      return !any;
    }
    case Expr::kNot: {
      const std::optional<bool> r = Test(e.args[0], s);
      if (!r) return std::nullopt;
      return !*r;
    }
    case Expr::kCompare: {
      const json::value a = Value(e.args[0], s);
      if (e.text == "is null") return a.is_null();
      if (e.text == "is not null") return !a.is_null();
      const json::value b = Value(e.args[1], s);
      if (e.text == "like" || e.text == "not like") {
        if (a.is_null() || b.is_null()) return std::nullopt;
        return Like(AsText(a), AsText(b)) == (e.text == "like");
      }
      const std::optional<int> c = Compare(a, b);
      if (!c) return std::nullopt;
      if (e.text == "=") return *c == 0;
      if (e.text == "<>" || e.text == "!=") return *c != 0;
      if (e.text == ">=") return *c >= 0;
      if (e.text == "<=") return *c <= 0;
      if (e.text == ">") return *c > 0;
      return *c < 0;
    }
    default:
      throw SqlError("a value where a condition belongs");
  }
}

json::array Run(const Query& q,
                const std::function<std::vector<json::object>(const std::string&)>& table) {
  const std::vector<json::object> from = table(q.from);
  const std::vector<json::object> join =
      q.join.empty() ? std::vector<json::object>() : table(q.join);
  std::vector<Scope> rows;
  for (const json::object& f : from) {
    if (q.join.empty()) {
      rows.push_back({&q, &f, nullptr});
      continue;
    }
    bool matched = false;
    for (const json::object& j : join)
      if (Test(*q.on, {&q, &f, &j}).value_or(false)) {
        rows.push_back({&q, &f, &j});
        matched = true;
      }
    if (!matched) rows.push_back({&q, &f, nullptr});
  }
  if (q.where)
    std::erase_if(rows, [&](const Scope& s) { return !Test(*q.where, s).value_or(false); });
  std::stable_sort(rows.begin(), rows.end(), [&](const Scope& x, const Scope& y) {
    for (auto& [column, desc] : q.order) {
      const json::value a = Value(column, x), b = Value(column, y);
      if (a.is_null() != b.is_null()) return b.is_null();  // NULLs last
      const int c = Compare(a, b).value_or(0);
      if (c) return desc ? c > 0 : c < 0;
    }
    return false;
  });
  json::array items;
  for (const Scope& s : rows) {
    json::object item{{"links", json::array()}};
    if (q.star) {
      for (auto& [k, v] : *s.from)
        item[k] = v;
    } else {
      for (const Column& c : q.columns)
        if (json::value v = Value(c.column, s); !v.is_null()) item[c.name()] = std::move(v);
    }
    items.push_back(std::move(item));
  }
  return items;
}

// ---- Which queries are the plugin's (the fact sheet's texts) ----------------------------------

std::string Squeeze(std::string_view text) {  // runs of white space -> one space, trimmed
  std::string out;
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

void Flatten(const Expr& e, Expr::Kind kind, std::vector<const Expr*>& out) {
  if (e.kind != kind) {
    out.push_back(&e);
    return;
  }
  for (const Expr& a : e.args)
    Flatten(a, kind, out);
}

bool IsString(const Expr& e) {
  return e.kind == Expr::kString;
}
bool IsColumn(const Expr& e, const std::set<std::string>& names) {
  return e.kind == Expr::kColumn && e.table.empty() && names.count(e.text);
}
std::string Qualified(const Expr& column) {
  return column.table.empty() ? column.text : column.table + "." + column.text;
}

// lastmodifieddate >= to_date('<YYYY-MM-DD> 00:00:00', 'yyyy-mm-dd hh24:mi:ss')
bool IsRecency(const Expr& e) {
  static const std::regex kMidnight(R"(\d{4}-\d{2}-\d{2} 00:00:00)");
  if (e.kind != Expr::kCompare || e.text != ">=" || !IsColumn(e.args[0], {"lastmodifieddate"}))
    return false;
  const Expr& to_date = e.args[1];
  return to_date.kind == Expr::kCall && to_date.text == "to_date" && to_date.args.size() == 2 &&
         IsString(to_date.args[0]) && std::regex_match(to_date.args[0].text, kMidnight) &&
         IsString(to_date.args[1]) && to_date.args[1].text == "yyyy-mm-dd hh24:mi:ss";
}

// REGEXP_REPLACE(<field>, '[^0-9]', '') LIKE '%<digits>'  or  <field>='<number>'
bool IsPhoneTerm(const Expr& e, const std::set<std::string>& fields) {
  static const std::regex kSuffix(R"(%\d+)");
  if (e.kind != Expr::kCompare) return false;
  if (e.text == "=") return IsColumn(e.args[0], fields) && IsString(e.args[1]);
  if (e.text != "like" || !IsString(e.args[1]) || !std::regex_match(e.args[1].text, kSuffix))
    return false;
  const Expr& r = e.args[0];
  return r.kind == Expr::kCall && r.text == "regexp_replace" && r.args.size() == 3 &&
         IsColumn(r.args[0], fields) && IsString(r.args[1]) && r.args[1].text == "[^0-9]" &&
         IsString(r.args[2]) && r.args[2].text.empty();
}

// <recency> AND (<phone term> OR ...)
bool IsPhoneWhere(const Expr& where, const std::set<std::string>& fields) {
  std::vector<const Expr*> parts;
  Flatten(where, Expr::kAnd, parts);
  if (parts.size() != 2 || !IsRecency(*parts[0])) return false;
  std::vector<const Expr*> terms;
  Flatten(*parts[1], Expr::kOr, terms);
  return std::all_of(terms.begin(), terms.end(),
                     [&](const Expr* t) { return IsPhoneTerm(*t, fields); });
}

// A name search's terms ("=:contact.firstname", "like:companyname", ...) when each is
// LOWER(<column>) = LOWER('<s>') or LOWER(<column>) LIKE LOWER('%<s>%'), all with one <s>.
std::optional<std::set<std::string>> NameTerms(const Expr& where) {
  std::vector<const Expr*> terms;
  Flatten(where, Expr::kOr, terms);
  std::set<std::string> out;
  std::optional<std::string> name;
  auto lower = [](const Expr& e, Expr::Kind arg) {
    return e.kind == Expr::kCall && e.text == "lower" && e.args.size() == 1 &&
           e.args[0].kind == arg;
  };
  for (const Expr* t : terms) {
    if (t->kind != Expr::kCompare || (t->text != "=" && t->text != "like") ||
        !lower(t->args[0], Expr::kColumn) || !lower(t->args[1], Expr::kString))
      return std::nullopt;
    std::string s = t->args[1].args[0].text;
    if (t->text == "like") {
      if (s.size() < 2 || s.front() != '%' || s.back() != '%') return std::nullopt;
      s = s.substr(1, s.size() - 2);
    }
    if (name && *name != s) return std::nullopt;
    name = s;
    out.insert(t->text + ":" + Qualified(t->args[0].args[0]));
  }
  return out;
}

std::string Signature(const Query& q) {  // "contact.id,...,customer.companyname as companyname"
  std::string out;
  for (const Column& c : q.columns) {
    if (!out.empty()) out += ',';
    out += Qualified(c.column);
    if (!c.alias.empty()) out += " as " + c.alias;
  }
  return out;
}

bool Recognised(const Query& q, const std::string& text) {
  static const std::regex kFixed[] = {
      std::regex("SELECT id, firstname,middlename, lastname, email, giveaccess, isinactive "
                 "FROM employee"),
      std::regex("SELECT id, name FROM CustomerStatus WHERE stage = '(LEAD|PROSPECT)' "
                 "AND isinactive = 'F' ORDER BY id ASC"),
      std::regex("SELECT \\* FROM customer "
                 "WHERE companyName = 'RingCentral_CRM_Extension_Placeholder_Company'"),
      std::regex("SELECT \\* FROM transaction WHERE entity = \\d+ "
                 "AND type='(SalesOrd|Opprtnty)' ORDER BY createddate desc"),
  };
  const std::string squeezed = Squeeze(text);
  for (const std::regex& r : kFixed)
    if (std::regex_match(squeezed, r)) return true;
  if (!q.where || !q.order.empty()) return false;
  const std::string columns = Signature(q);
  // findContact: one table, its phone fields.
  static const std::string kPersonColumns =
      "id,firstname,middlename,lastname,entitytitle,phone,datecreated,lastmodifieddate";
  if (!q.star && q.join.empty()) {
    if (q.from == "contact" &&
        columns ==
            "id,firstname,middlename,lastname,entitytitle,phone,company,datecreated,"
            "lastmodifieddate")
      return IsPhoneWhere(*q.where, {"phone", "homephone", "mobilephone", "officephone"});
    if ((q.from == "customer" || q.from == "vendor") && columns == kPersonColumns)
      return IsPhoneWhere(*q.where, {"phone", "homephone", "mobilephone", "altphone"});
    return false;
  }
  const std::optional<std::set<std::string>> terms = NameTerms(*q.where);
  if (!terms) return false;
  // findContactWithName: contacts by their names or their company's, then vendors, customers.
  if (!q.star && q.from == "contact" && q.join == "customer") {
    const Expr& on = *q.on;
    const bool joined = on.kind == Expr::kCompare && on.text == "=" &&
                        on.args[0].kind == Expr::kColumn && on.args[1].kind == Expr::kColumn &&
                        Qualified(on.args[0]) == "contact.company" &&
                        Qualified(on.args[1]) == "customer.id";
    const std::set<std::string> by_name = {"=:contact.firstname",   "=:contact.lastname",
                                           "=:contact.entitytitle", "like:contact.firstname",
                                           "like:contact.lastname", "like:contact.entitytitle"};
    const std::set<std::string> by_company = {"like:customer.companyname",
                                              "like:customer.entityid"};
    return joined &&
           columns ==
               "contact.id,contact.firstname,contact.middlename,contact.lastname,"
               "contact.entitytitle,contact.phone,contact.homephone,contact.mobilephone,"
               "contact.officephone,contact.company,customer.companyname as companyname" &&
           (*terms == by_name || *terms == by_company);
  }
  const std::set<std::string> by_entity = {"=:firstname",      "=:lastname",    "=:entitytitle",
                                           "like:firstname",   "like:lastname", "like:entitytitle",
                                           "like:companyname", "like:entityid"};
  return q.star && q.join.empty() && (q.from == "customer" || q.from == "vendor") &&
         *terms == by_entity;
}

}  // namespace

std::optional<json::array> Execute(const std::string& text, const Tables& tables) {
  const Query q = Parser(text).Parse();
  if (!Recognised(q, text)) return std::nullopt;
  CheckColumns(q);
  return Run(q, tables);
}

}  // namespace crmhost::testing::suiteql

#pragma once
// A small JSON reader for cm_default's structure keys. The core's Value has no
// nested dictionaries, so `compartments`/`receptors` (lists of dictionaries with a
// `params` sub-dictionary) cross the API boundary as JSON text; the Python facade
// writes it from PyNEST's lists of dicts and reads the status back the same way.
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace nestkit::cm {

struct Json {
  enum Kind { kNull, kBool, kInt, kDouble, kString, kArray, kObject } kind = kNull;
  bool b = false;
  long i = 0;
  double d = 0.0;
  std::string s;
  std::vector<Json> items;
  // Keys in the order they were written (messages name the first unknown key).
  std::vector<std::pair<std::string, Json>> members;

  bool is_number() const { return kind == kInt || kind == kDouble; }
  double number() const { return kind == kInt ? static_cast<double>(i) : d; }
  const Json* find(const std::string& key) const;
};

// Parses `text`; throws BadProperty naming `what` when it is not JSON. Accepts
// NaN/Infinity tokens (Python's json writes them) so that they can be refused
// with a clear message instead of a syntax error.
Json parse_json(const std::string& text, const std::string& what);

// `s` as a JSON string literal.
std::string json_quote(const std::string& s);

}  // namespace nestkit::cm

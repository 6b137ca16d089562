#include "models/neurons/compartmental/cm_json.hpp"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "nestkit/errors.hpp"

namespace nestkit::cm {

const Json* Json::find(const std::string& key) const {
  for (const auto& [k, v] : members)
    if (k == key) return &v;
  return nullptr;
}

namespace {

class Reader {
 public:
  Reader(const std::string& text, const std::string& what) : t_(text), what_(what) {}

  Json document() {
    Json v = value();
    skip_space();
    if (p_ != t_.size()) fail("unexpected text after the value");
    return v;
  }

 private:
  [[noreturn]] void fail(const std::string& why) const {
    throw BadProperty(what_ + ": not a dictionary or a list of dictionaries (" + why + " at character " +
                      std::to_string(p_) + ")");
  }
  void skip_space() {
    while (p_ < t_.size() && std::isspace(static_cast<unsigned char>(t_[p_]))) ++p_;
  }
  bool take(const char* word) {
    const std::size_t n = std::char_traits<char>::length(word);
    if (t_.compare(p_, n, word) != 0) return false;
    p_ += n;
    return true;
  }
  Json value() {
    skip_space();
    if (p_ >= t_.size()) fail("unexpected end");
    const char c = t_[p_];
    Json v;
    if (c == '{') return object();
    if (c == '[') return array();
    if (c == '"') {
      v.kind = Json::kString;
      v.s = string();
      return v;
    }
    if (take("true") || take("false")) {
      v.kind = Json::kBool;
      v.b = t_[p_ - 4] == 't';
      return v;
    }
    if (take("null")) return v;
    if (take("NaN")) return special(std::numeric_limits<double>::quiet_NaN());
    if (take("Infinity")) return special(std::numeric_limits<double>::infinity());
    if (take("-Infinity")) return special(-std::numeric_limits<double>::infinity());
    return number();
  }
  static Json special(double x) {
    Json v;
    v.kind = Json::kDouble;
    v.d = x;
    return v;
  }
  Json number() {
    const std::size_t start = p_;
    bool integral = true;
    if (p_ < t_.size() && (t_[p_] == '-' || t_[p_] == '+')) ++p_;
    while (p_ < t_.size()) {
      const char c = t_[p_];
      if (std::isdigit(static_cast<unsigned char>(c))) {
        ++p_;
      } else if (c == '.' || c == 'e' || c == 'E' ||
                 ((c == '-' || c == '+') && (t_[p_ - 1] == 'e' || t_[p_ - 1] == 'E'))) {
        integral = false;
        ++p_;
      } else {
        break;
      }
    }
    if (p_ == start) fail("unexpected character '" + std::string(1, t_[p_]) + "'");
    const std::string text = t_.substr(start, p_ - start);
    char* end = nullptr;
    Json v;
    if (integral) {
      v.kind = Json::kInt;
      v.i = std::strtol(text.c_str(), &end, 10);
    } else {
      v.kind = Json::kDouble;
      v.d = std::strtod(text.c_str(), &end);
    }
    if (end != text.c_str() + text.size()) fail("bad number '" + text + "'");
    return v;
  }
  std::string string() {
    ++p_;  // opening quote
    std::string out;
    while (p_ < t_.size() && t_[p_] != '"') {
      char c = t_[p_++];
      if (c == '\\') {
        if (p_ >= t_.size()) fail("unterminated string");
        const char e = t_[p_++];
        switch (e) {
          case 'n':
            c = '\n';
            break;
          case 't':
            c = '\t';
            break;
          case 'r':
            c = '\r';
            break;
          case 'b':
            c = '\b';
            break;
          case 'f':
            c = '\f';
            break;
          case 'u': {
            // Names are ASCII; other code points are kept as '?' (they cannot name anything).
            if (p_ + 4 > t_.size()) fail("bad escape");
            const long code = std::strtol(t_.substr(p_, 4).c_str(), nullptr, 16);
            p_ += 4;
            c = code < 128 ? static_cast<char>(code) : '?';
            break;
          }
          default:
            c = e;
        }
      }
      out.push_back(c);
    }
    if (p_ >= t_.size()) fail("unterminated string");
    ++p_;
    return out;
  }
  Json array() {
    ++p_;
    Json v;
    v.kind = Json::kArray;
    skip_space();
    if (p_ < t_.size() && t_[p_] == ']') {
      ++p_;
      return v;
    }
    while (true) {
      v.items.push_back(value());
      skip_space();
      if (p_ < t_.size() && t_[p_] == ',') {
        ++p_;
        continue;
      }
      if (p_ < t_.size() && t_[p_] == ']') {
        ++p_;
        return v;
      }
      fail("expected ',' or ']'");
    }
  }
  Json object() {
    ++p_;
    Json v;
    v.kind = Json::kObject;
    skip_space();
    if (p_ < t_.size() && t_[p_] == '}') {
      ++p_;
      return v;
    }
    while (true) {
      skip_space();
      if (p_ >= t_.size() || t_[p_] != '"') fail("expected a key");
      std::string key = string();
      skip_space();
      if (p_ >= t_.size() || t_[p_] != ':') fail("expected ':'");
      ++p_;
      v.members.emplace_back(std::move(key), value());
      skip_space();
      if (p_ < t_.size() && t_[p_] == ',') {
        ++p_;
        continue;
      }
      if (p_ < t_.size() && t_[p_] == '}') {
        ++p_;
        return v;
      }
      fail("expected ',' or '}'");
    }
  }

  const std::string& t_;
  const std::string& what_;
  std::size_t p_ = 0;
};

}  // namespace

Json parse_json(const std::string& text, const std::string& what) { return Reader(text, what).document(); }

std::string json_quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

}  // namespace nestkit::cm

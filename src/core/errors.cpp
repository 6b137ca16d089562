#include "nestkit/errors.hpp"

#include <algorithm>

namespace nestkit {
namespace {
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      const bool same = std::tolower(a[i - 1]) == std::tolower(b[j - 1]);
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (same ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}
}  // namespace

std::vector<std::string> closest_names(const std::string& name, const std::vector<std::string>& candidates,
                                       std::size_t max_results) {
  std::vector<std::pair<std::size_t, std::string>> scored;
  for (const auto& c : candidates) {
    const std::size_t d = edit_distance(name, c);
    // Accept a typo-sized distance, or a candidate that contains the name.
    const bool contains = !name.empty() && c.find(name) != std::string::npos;
    if (d <= std::max<std::size_t>(2, name.size() / 3) || contains) scored.emplace_back(contains ? 0 : d, c);
  }
  std::stable_sort(scored.begin(), scored.end(), [](auto& x, auto& y) { return x.first < y.first; });
  std::vector<std::string> out;
  for (auto& s : scored) {
    if (out.size() == max_results) break;
    out.push_back(s.second);
  }
  return out;
}

std::string did_you_mean(const std::string& name, const std::vector<std::string>& candidates) {
  const auto near = closest_names(name, candidates);
  if (near.empty()) return "";
  std::string s = " Did you mean ";
  for (std::size_t i = 0; i < near.size(); ++i) s += (i ? ", '" : "'") + near[i] + "'";
  return s + "?";
}

}  // namespace nestkit

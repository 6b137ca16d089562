#include "nestkit/units.hpp"

#include <map>

#include "nestkit/errors.hpp"

namespace nestkit {
namespace {
//                         m   kg   s   A
constexpr Dimension kNone{0, 0, 0, 0};
constexpr Dimension kTime{0, 0, 1, 0};
constexpr Dimension kFreq{0, 0, -1, 0};
constexpr Dimension kVolt{2, 1, -3, -1};
constexpr Dimension kAmp{0, 0, 0, 1};
constexpr Dimension kFarad{-2, -1, 4, 2};
constexpr Dimension kSiemens{-2, -1, 3, 2};
constexpr Dimension kOhm{2, 1, -3, -2};
constexpr Dimension kLength{1, 0, 0, 0};

const std::map<std::string, UnitInfo>& table() {
  static const std::map<std::string, UnitInfo> t = {
      {"", {kNone, 1.0}},
      {"ms", {kTime, 1e-3}},
      {"Hz", {kFreq, 1.0}},
      {"mV", {kVolt, 1e-3}},
      {"pA", {kAmp, 1e-12}},
      {"pF", {kFarad, 1e-12}},
      {"nS", {kSiemens, 1e-9}},
      {"GOhm", {kOhm, 1e9}},
      {"MOhm", {kOhm, 1e6}},
      {"mm", {kLength, 1e-3}},
      {"1/ms", {kFreq, 1e3}},
      {"mV/ms", {{2, 1, -4, -1}, 1.0}},
      {"pA/ms", {{0, 0, -1, 1}, 1e-9}},
      {"nS/ms", {{-2, -1, 2, 2}, 1e-6}},
      {"1/s", {kFreq, 1.0}},
      {"deg", {kNone, 1.0}},
      // Concentrations have no base dimension here (no amount of substance):
      // plain numbers in mM only.
      {"mM", {kNone, 1.0}},
      {"uM", {kNone, 1.0}},         // astrocyte_lr_1994's concentrations (µM)
      {"uM/ms", {kFreq, 1e3}},      // ... its SERCA pump rate
      {"1/(uM*ms)", {kFreq, 1e3}},  // ... its IP3R binding constant
      {"1/mV", {{-2, -1, 3, 1}, 1e3}},
      {"Hz/mV", {{-2, -1, 2, 1}, 1e3}},  // pp_psc_delta's c_1
      {"mV^2", {{4, 2, -6, -2}, 1e-6}},
  };
  return t;
}
}  // namespace

const UnitInfo& unit_info(const std::string& symbol) {
  const auto& t = table();
  auto it = t.find(symbol);
  if (it == t.end()) throw UnitError("unknown unit symbol '" + symbol + "'");
  return it->second;
}

std::string dimension_string(const Dimension& d) {
  static const char* base[] = {"m", "kg", "s", "A"};
  std::string s;
  for (int i = 0; i < 4; ++i) {
    if (d[i] == 0) continue;
    if (!s.empty()) s += " ";
    s += base[i];
    if (d[i] != 1) s += "^" + std::to_string(d[i]);
  }
  return s.empty() ? "dimensionless" : s;
}

std::vector<double> convert_quantity(const Quantity& q, const std::string& unit, const std::string& param) {
  const UnitInfo& u = unit_info(unit);
  if (q.dim != u.dim) {
    throw UnitError(param + " expects " + (unit.empty() ? "a dimensionless value" : unit) + " (" +
                    dimension_string(u.dim) + "), got a quantity of dimension " + dimension_string(q.dim));
  }
  std::vector<double> out(q.si.size());
  for (std::size_t i = 0; i < q.si.size(); ++i) out[i] = q.si[i] / u.si_per_unit;
  return out;
}

}  // namespace nestkit

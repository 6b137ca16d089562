// Unit table (dimensions and SI factors checked through physical relations),
// quantity conversion, and quantities handed to the Simulator.
#include <gtest/gtest.h>

#include <cmath>

#include "nestkit/errors.hpp"
#include "nestkit/registry.hpp"
#include "nestkit/simulator.hpp"
#include "nestkit/units.hpp"
#include "test_util.hpp"

namespace nestkit {
namespace {

//                          m  kg   s   A
constexpr Dimension kVolt{2, 1, -3, -1};
constexpr Dimension kAmp{0, 0, 0, 1};
constexpr Dimension kSecond{0, 0, 1, 0};

Dimension mul(Dimension a, Dimension b) {
  for (int i = 0; i < 4; ++i) a[i] = static_cast<int8_t>(a[i] + b[i]);
  return a;
}
Dimension div(Dimension a, Dimension b) {
  for (int i = 0; i < 4; ++i) a[i] = static_cast<int8_t>(a[i] - b[i]);
  return a;
}

TEST(Units, BaseDimensionsAndFactors) {
  EXPECT_EQ(unit_info("mV").dim, kVolt);
  EXPECT_DOUBLE_EQ(unit_info("mV").si_per_unit, 1e-3);
  EXPECT_EQ(unit_info("pA").dim, kAmp);
  EXPECT_DOUBLE_EQ(unit_info("pA").si_per_unit, 1e-12);
  EXPECT_EQ(unit_info("ms").dim, kSecond);
  EXPECT_DOUBLE_EQ(unit_info("ms").si_per_unit, 1e-3);
  EXPECT_EQ(unit_info("").dim, (Dimension{0, 0, 0, 0}));
  EXPECT_DOUBLE_EQ(unit_info("").si_per_unit, 1.0);
}

TEST(Units, DerivedUnitsObeyPhysicalRelations) {
  const Dimension farad = div(mul(kAmp, kSecond), kVolt);  // C = Q / V
  const Dimension ohm = div(kVolt, kAmp);
  const Dimension siemens = div(kAmp, kVolt);
  EXPECT_EQ(unit_info("pF").dim, farad);
  EXPECT_EQ(unit_info("GOhm").dim, ohm);
  EXPECT_EQ(unit_info("MOhm").dim, ohm);
  EXPECT_EQ(unit_info("nS").dim, siemens);
  EXPECT_EQ(unit_info("Hz").dim, div(Dimension{}, kSecond));
  EXPECT_EQ(unit_info("mV/ms").dim, div(kVolt, kSecond));
  EXPECT_EQ(unit_info("pA/ms").dim, div(kAmp, kSecond));
  EXPECT_EQ(unit_info("nS/ms").dim, div(siemens, kSecond));
  auto si = [](const char* u) { return unit_info(u).si_per_unit; };
  // tau = R C: 1 GOhm * 1 pF = 1 ms.
  EXPECT_EQ(mul(unit_info("GOhm").dim, unit_info("pF").dim), kSecond);
  EXPECT_DOUBLE_EQ(si("GOhm") * si("pF"), si("ms"));
  // Ohm's law: 1 mV / 1 pA = 1 GOhm; 1 nS * 1 mV = 1 pA; 1 MOhm = 1e-3 GOhm.
  EXPECT_DOUBLE_EQ(si("mV") / si("pA"), si("GOhm"));
  EXPECT_DOUBLE_EQ(si("nS") * si("mV"), si("pA"));
  EXPECT_DOUBLE_EQ(si("MOhm"), 1e-3 * si("GOhm"));
  // dV/dt = I / C: 1 pA / 1 pF = 1 mV/ms.
  EXPECT_DOUBLE_EQ(si("pA") / si("pF"), si("mV/ms"));
  EXPECT_DOUBLE_EQ(si("pA/ms"), si("pA") / si("ms"));
  EXPECT_DOUBLE_EQ(si("nS/ms"), si("nS") / si("ms"));
  EXPECT_DOUBLE_EQ(si("1/ms"), 1.0 / si("ms"));
  EXPECT_DOUBLE_EQ(si("1/ms"), 1000.0 * si("Hz"));
  EXPECT_DOUBLE_EQ(si("mm"), 1e-3);
}

TEST(Units, UnknownSymbolIsAUnitError) { EXPECT_THROW(unit_info("furlong"), UnitError); }

TEST(Units, DimensionString) {
  EXPECT_EQ(dimension_string({0, 0, 0, 0}), "dimensionless");
  EXPECT_EQ(dimension_string(kAmp), "A");
  EXPECT_EQ(dimension_string(kVolt), "m^2 kg s^-3 A^-1");
}

TEST(Units, ConvertQuantity) {
  EXPECT_DOUBLE_EQ(convert_quantity(Quantity{{-0.07}, kVolt, false}, "mV", "E_L").at(0), -70.0);
  EXPECT_DOUBLE_EQ(convert_quantity(Quantity{{3e-10}, kAmp, false}, "pA", "I_e").at(0), 300.0);
  const auto arr = convert_quantity(Quantity{{1e-3, 2.5e-3, 0.0}, kSecond, true}, "ms", "spike_times");
  ASSERT_EQ(arr.size(), 3u);
  EXPECT_DOUBLE_EQ(arr[0], 1.0);
  EXPECT_DOUBLE_EQ(arr[1], 2.5);
  EXPECT_DOUBLE_EQ(arr[2], 0.0);
  // 20 Hz stays 20 Hz; 20 Hz in 1/ms is 0.02.
  EXPECT_DOUBLE_EQ(convert_quantity(Quantity{{20.0}, div(Dimension{}, kSecond), false}, "Hz", "rate").at(0), 20.0);
  EXPECT_DOUBLE_EQ(convert_quantity(Quantity{{20.0}, div(Dimension{}, kSecond), false}, "1/ms", "rate").at(0), 0.02);
}

TEST(Units, DimensionMismatchNamesTheParameter) {
  try {
    convert_quantity(Quantity{{0.01}, kSecond, false}, "mV", "V_th");
    FAIL() << "expected UnitError";
  } catch (const UnitError& e) {
    EXPECT_NE(std::string(e.what()).find("V_th"), std::string::npos) << e.what();
  }
}

TEST(Units, QuantitiesThroughTheSimulator) {
  Simulator sim;
  const Dimension farad = div(mul(kAmp, kSecond), kVolt);
  NodeCollection n = sim.create("iaf_psc_alpha", 1,
                                {{"C_m", Quantity{{2e-10}, farad, false}},
                                 {"E_L", Quantity{{-0.065}, kVolt, false}},
                                 {"I_e", Quantity{{1.5e-10}, kAmp, false}},
                                 {"tau_m", Quantity{{0.02}, kSecond, false}}});
  EXPECT_NEAR(testing::status_number(sim, n[0], "C_m"), 200.0, 1e-9);
  EXPECT_NEAR(testing::status_number(sim, n[0], "E_L"), -65.0, 1e-12);
  EXPECT_NEAR(testing::status_number(sim, n[0], "I_e"), 150.0, 1e-9);
  EXPECT_NEAR(testing::status_number(sim, n[0], "tau_m"), 20.0, 1e-12);
  // A length where a time is expected: UnitError, and nothing changes.
  EXPECT_THROW(sim.set_status(n, {{"tau_m", Quantity{{0.02}, Dimension{1, 0, 0, 0}, false}}}), UnitError);
  EXPECT_NEAR(testing::status_number(sim, n[0], "tau_m"), 20.0, 1e-12);
  // A string where a number is expected: TypeMismatch.
  EXPECT_THROW(sim.set_status(n, {{"tau_m", std::string("fast")}}), TypeMismatch);
  // Integers are accepted for double parameters.
  sim.set_status(n, {{"I_e", 7L}});
  EXPECT_DOUBLE_EQ(testing::status_number(sim, n[0], "I_e"), 7.0);
}

TEST(Units, EveryDeclaredUnitIsKnown) {
  // Each parameter's unit symbol must be in the unit table, or quantities for
  // that parameter cannot be converted.
  for (const ModelInfo* m : builtin_node_models())
    for (const ParamSpec& p : m->specs)
      EXPECT_NO_THROW(unit_info(p.unit)) << m->name << "." << p.name << " [" << p.unit << "]";
}

TEST(Units, RateQuantityForEscapeNoiseIntensity) {
  // iaf_psc_exp's rho is declared in 1/s: 20 Hz is 20.
  Simulator sim;
  NodeCollection n = sim.create("iaf_psc_exp", 1, {{"rho", Quantity{{20.0}, div(Dimension{}, kSecond), false}}});
  EXPECT_DOUBLE_EQ(testing::status_number(sim, n[0], "rho"), 20.0);
}

}  // namespace
}  // namespace nestkit

// cm_default through the C++ API, where the structure keys are JSON text: a single
// passive compartment against its Crank-Nicolson recursion (in closed form per step),
// the structure check that leaves a node unchanged, and the JSON reader.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <tuple>
#include <vector>

#include "models/neurons/compartmental/cm_json.hpp"
#include "nestkit/errors.hpp"
#include "nestkit/simulator.hpp"
#include "test_util.hpp"

namespace nestkit {
namespace {

using testing::column;

TEST(CmDefault, SinglePassiveCompartmentFollowsCrankNicolson) {
  Simulator sim;
  const double h = 0.1, c = 0.4, g = 0.05, e_l = -65.0, v0 = -75.0, i_inj = 0.3;
  const NodeCollection cell = sim.create("cm_default", 1, {{"V_th", 100.0}});
  sim.set_status(cell, Dict{{"compartments", std::string(R"([{"parent_idx": -1, "params": {"C_m": 0.4, "g_L": 0.05,
                                                              "e_L": -65.0, "v_comp": -75.0}}])")}});
  const NodeCollection dc = sim.create("dc_generator", 1, {{"amplitude", i_inj}});
  SynSpec to_soma = testing::syn(1.0, h);
  to_soma.receptor_type = 0;
  sim.connect(dc, cell, {}, to_soma);
  const NodeCollection mm =
      sim.create("multimeter", 1, {{"record_from", std::vector<std::string>{"v_comp0"}}, {"interval", h}});
  sim.connect(mm, cell);
  sim.simulate(20.0);
  const std::vector<double> v = column(sim.events(mm[0]), "v_comp0");
  ASSERT_GT(v.size(), 150u);
  double expected = v0;
  for (std::size_t k = 0; k < v.size(); ++k) {
    const double input = k >= 1 ? i_inj : 0.0;  // sent at step 0 with delay h
    expected = ((c / h - g / 2) * expected + g * e_l + input) / (c / h + g / 2);
    ASSERT_NEAR(v[k], expected, 1e-10) << "sample " << k;
  }
}

TEST(CmDefault, BadStructureChangesNothing) {
  Simulator sim;
  const NodeCollection cell = sim.create("cm_default");
  sim.set_status(cell, Dict{{"compartments", std::string(R"([{"parent_idx": -1}])")}});
  auto structure = [&] {
    const Dict d = sim.get_status(cell)[0];
    return std::make_tuple(std::get<std::string>(d.at("compartments")), std::get<std::string>(d.at("receptors")),
                           std::get<std::vector<std::string>>(d.at("recordables")), testing::as_number(d.at("V_th")));
  };
  const auto before = structure();
  EXPECT_THROW(
      sim.set_status(
          cell, Dict{{"V_th", -40.0}, {"add_compartments", std::string(R"([{"parent_idx": 0}, {"parent_idx": 3}])")}}),
      BadProperty);
  EXPECT_THROW(sim.set_status(cell, Dict{{"receptors", std::string(R"({"comp_idx": 1, "receptor_type": "AMPA"})")}}),
               BadProperty);
  EXPECT_THROW(
      sim.set_status(cell, Dict{{"add_compartments", std::string(R"({"parent_idx": 0, "params": {"g_X": 1}})")}}),
      UnknownParameter);
  EXPECT_EQ(structure(), before);
  EXPECT_EQ(std::get<0>(before), R"([{"comp_idx": 0, "parent_idx": -1}])");
  EXPECT_EQ(std::get<3>(before), -55.0);
}

TEST(CmJson, ReadsNestedValuesAndRefusesGarbage) {
  const cm::Json v = cm::parse_json(R"([{"a": -1, "b": {"x": 2.5e-1, "s": "A\"B"}}, {}, NaN])", "test");
  ASSERT_EQ(v.kind, cm::Json::kArray);
  ASSERT_EQ(v.items.size(), 3u);
  EXPECT_EQ(v.items[0].find("a")->i, -1);
  EXPECT_EQ(v.items[0].find("b")->find("x")->d, 0.25);
  EXPECT_EQ(v.items[0].find("b")->find("s")->s, "A\"B");
  EXPECT_TRUE(std::isnan(v.items[2].d));
  EXPECT_THROW(cm::parse_json("[{\"a\": 1}", "test"), BadProperty);
  EXPECT_THROW(cm::parse_json("not json", "test"), BadProperty);
  EXPECT_THROW(cm::parse_json("[1] 2", "test"), BadProperty);
}

}  // namespace
}  // namespace nestkit

// Structural plasticity's node side: growth curves against their formulas, the element
// bookkeeping (connect, decay of vacant elements), and transactional status changes.
#include <gtest/gtest.h>

#include <cmath>

#include "nestkit/errors.hpp"
#include "nestkit/simulator.hpp"
#include "nestkit/structural_plasticity.hpp"

namespace nestkit {
namespace {

TEST(GrowthCurve, LinearIsTheExactIntegralOfItsRate) {
  // dz/dt = nu (1 - Ca/eps), Ca = Ca0 exp(-t/tau): z(t) = nu t - nu/eps Ca0 tau (1 - exp(-t/tau)).
  GrowthCurve c;
  c.eps = 0.5;
  const double nu = 0.2, tau = 40.0, ca0 = 0.3, t = 25.0;
  const double expected = nu * t - nu / c.eps * ca0 * tau * (1.0 - std::exp(-t / tau)) + 1.0;
  EXPECT_NEAR(c.integrate(10.0 + t, 10.0, ca0, 1.0, tau, nu, 0.1), expected, 1e-13);
  EXPECT_EQ(c.integrate(100.0, 0.0, 10.0, 0.0, tau, nu, 0.1), 0.0);  // z never goes below 0
}

TEST(GrowthCurve, GaussianAndSigmoidStepLikeForwardEuler) {
  const double h = 0.1, tau = 20.0, nu = 0.5;
  GrowthCurve g;
  g.kind = GrowthCurve::kGaussian;
  g.eps = 0.4;
  g.eta = 0.1;
  GrowthCurve s;
  s.kind = GrowthCurve::kSigmoid;
  s.eps = 0.4;
  s.psi = 0.05;
  double zg = 0.3, zs = 0.3, ca = 0.35;
  const double xi = 0.25, zeta = (g.eta - g.eps) / (2.0 * std::sqrt(std::log(2.0)));
  for (int k = 0; k < 30; ++k) {
    ca -= ca / tau * h;
    zg += h * nu * (2.0 * std::exp(-std::pow((ca - xi) / zeta, 2)) - 1.0);
    zs += h * nu * (2.0 / (1.0 + std::exp((ca - s.eps) / s.psi)) - 1.0);
  }
  EXPECT_NEAR(g.integrate(3.0, 0.0, 0.35, 0.3, tau, nu, h), zg, 1e-12);
  EXPECT_NEAR(s.integrate(3.0, 0.0, 0.35, 0.3, tau, nu, h), zs, 1e-12);
}

TEST(SynapticElement, ConnectAndDecayAsNest) {
  SynapticElement e;
  e.z = 4.7;
  EXPECT_EQ(e.vacant(), 4);
  e.connect(6);  // more connected than floor(z): z becomes connected + fractional part
  EXPECT_EQ(e.z_connected, 6);
  EXPECT_NEAR(e.z, 6.7, 1e-12);
  e.connect(-3);
  EXPECT_EQ(e.vacant(), 3);
  e.tau_vacant = 0.25;
  e.decay_vacant();  // a quarter of the 3 vacant elements retract
  EXPECT_NEAR(e.z, 6.7 - 0.75, 1e-12);
  e.continuous = false;
  EXPECT_EQ(e.amount(), 5.0);
}

TEST(StructuralPlasticityStatus, FlatKeysRoundTripAndBadValuesChangeNothing) {
  Simulator sim;
  const NodeCollection n = sim.create("iaf_psc_alpha", 2);
  sim.set_status(n, Dict{{"synaptic_elements", std::vector<std::string>{"Ax"}},
                         {"synaptic_elements.Ax.growth_curve", std::string("sigmoid")},
                         {"synaptic_elements.Ax.psi", 0.2},
                         {"tau_Ca", 500.0}});
  Dict d = sim.get_status(n, {"synaptic_elements", "tau_Ca"})[1];
  EXPECT_EQ(std::get<std::vector<std::string>>(d["synaptic_elements"]), std::vector<std::string>{"Ax"});
  EXPECT_EQ(std::get<std::string>(d["synaptic_elements.Ax.growth_curve"]), "sigmoid");
  EXPECT_EQ(std::get<double>(d["synaptic_elements.Ax.psi"]), 0.2);
  EXPECT_EQ(std::get<double>(d["tau_Ca"]), 500.0);
  const std::vector<std::string> keys = {"V_m", "beta_Ca", "synaptic_elements.Ax.growth_curve"};
  const Dict before = sim.get_status(n, keys)[0];
  EXPECT_THROW(sim.set_status(n, Dict{{"V_m", -60.0}, {"beta_Ca", 0.0}}), BadProperty);
  EXPECT_THROW(sim.set_status(n, Dict{{"synaptic_elements", std::vector<std::string>{"Ax"}},
                                      {"synaptic_elements.Ax.growth_curve", std::string("cubic")}}),
               BadProperty);
  const Dict after = sim.get_status(n, keys)[0];
  EXPECT_EQ(std::get<double>(after.at("V_m")), std::get<double>(before.at("V_m")));
  EXPECT_EQ(std::get<double>(after.at("beta_Ca")), 0.001);
  EXPECT_EQ(std::get<std::string>(after.at("synaptic_elements.Ax.growth_curve")), "sigmoid");
  EXPECT_THROW(sim.create("poisson_generator", 1, Dict{{"tau_Ca", 5.0}}), UnknownParameter);
}

}  // namespace
}  // namespace nestkit

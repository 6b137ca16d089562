// astrocyte_lr_1994: the Li-Rinzel (1994) reduction of De Young & Keizer's IP3
// receptor model, as NEST 3.10's astrocyte (Nadkarni & Jung 2003). State: IP3,
// cytosolic calcium Ca_astro and the fraction h_IP3R of IP3 receptors not
// inactivated. With c = Ca_astro clamped to [0, Ca_tot] and c_ER = (Ca_tot - c)/r_ER:
//   dIP3/dt   = (IP3_0 - IP3) / tau_IP3
//   dCa/dt    = r_ER rate_IP3R m^3 n^3 h^3 (c_ER - c) - rate_SERCA c^2/(Km^2 + c^2)
//               + r_ER rate_L (c_ER - c) + J_noise
//   dh/dt     = k_IP3R Kd_inh (IP3 + Kd_IP3_1)/(IP3 + Kd_IP3_2) (1 - h) - k_IP3R c h
// with m = IP3/(IP3 + Kd_IP3_1), n = c/(c + Kd_act). NEST integrates this with GSL's
// RKF45 under the y-control (eps_abs 1e-3, eps_rel 0) and, per step and in this
// order: integrates, clamps Ca_astro, adds delta_IP3 times the step's summed
// (non-negative) spike weights to IP3, computes the slow inward current
// SIC = SIC_scale ln(1000 (Ca_astro - SIC_th)) where that argument exceeds 1 (else 0),
// records, and takes the step's current input as J_noise of the next step. The SIC
// values of a min-delay interval leave through sic_connection (Secondary::kSic).
//
// Not bit-identical to NEST (category C, adaptive solver): NEST's right-hand side calls
// pow(x, 2) and pow(x, 3), which took over 40 % of a network's run time; here squares
// are x*x and cubes the correctly rounded x^3 (Dekker's exact products), which lets the
// right-hand side run on several nodes at once (rkf45_lanes.hpp). glibc's pow
// rounds differently from the exact result in about 0.1 % of calls, so values
// can differ from NEST's at the 1e-16 level (the corpus case still agrees bit for bit).
#include <algorithm>
#include <cmath>

#include "integrators/rkf45_lanes.hpp"
#include "models/neurons/neuron_base.hpp"
#include "nestkit/registry.hpp"

namespace nestkit {
namespace {

enum Col : int {
  Ca_tot,
  IP3_0,
  Kd_IP3_1,
  Kd_IP3_2,
  Kd_act,
  Kd_inh,
  Km_SERCA,
  SIC_scale,
  SIC_th,
  delta_IP3,
  k_IP3R,
  rate_IP3R,
  rate_L,
  rate_SERCA,
  ratio_ER_cyt,
  tau_IP3,
  IP3,
  Ca_astro,
  h_IP3R,
  // internal: integration step carried across steps (0: not yet run), J_noise of the next step
  h_int,
  J_noise,
};

enum Channel : int { kSpikes, kCurrent, kChannels };
enum Y : std::size_t { yIP3, yCa, yH, kN };  // NEST's state vector order

// Dekker's exact product: a*b = p + e exactly (no FMA needed, so the scalar and the
// lane code compute the same bits; the library is built with -ffp-contract=off).
template <class T>
[[gnu::always_inline]] inline T split_hi(T a) {
  const T c = 134217729.0 * a;  // 2^27 + 1
  return c - (c - a);
}
template <class T>
[[gnu::always_inline]] inline T product_error(T a, T b, T p) {
  const T ah = split_hi(a), al = a - ah, bh = split_hi(b), bl = b - bh;
  return ((ah * bh - p) + ah * bl + al * bh) + al * bl;
}
// x^3 rounded once: x*x as an exact double-double, times x, summed before the rounding.
template <class T>
[[gnu::always_inline]] inline T cube(T x) {
  const T p2 = x * x, e2 = product_error(x, x, p2);
  const T p3 = p2 * x, e3 = product_error(p2, x, p3);
  return p3 + (e3 + e2 * x);
}

// What the right-hand side reads besides y: one node's values (T = double) or W nodes' (lanes).
template <class T>
struct RhsParams {
  T Ca_tot, IP3_0, Kd_IP3_1, Kd_IP3_2, Kd_act, Kd_inh, Km_SERCA_sq, k_IP3R, rate_IP3R, rate_L, rate_SERCA, ratio_ER_cyt,
      tau_IP3, J_noise;  // Km_SERCA_sq = Km_SERCA^2, once per node and step
};

// NEST's right-hand side, term by term in its order.
template <class T>
[[gnu::always_inline]] inline void astrocyte_rhs(const RhsParams<T>& p, const T* y, T* f) {
  using namespace integrators;
  const T ip3 = y[yIP3], h = y[yH];
  const T calc = lane_max(splat<T>(0.0), lane_min(y[yCa], p.Ca_tot));
  const T alpha_h = p.k_IP3R * p.Kd_inh * (ip3 + p.Kd_IP3_1) / (ip3 + p.Kd_IP3_2);
  const T beta_h = p.k_IP3R * calc;
  const T J_pump = p.rate_SERCA * (calc * calc) / (p.Km_SERCA_sq + calc * calc);
  const T m_inf = ip3 / (ip3 + p.Kd_IP3_1);
  const T n_inf = calc / (calc + p.Kd_act);
  const T calc_ER = (p.Ca_tot - calc) / p.ratio_ER_cyt;
  const T J_leak = p.ratio_ER_cyt * p.rate_L * (calc_ER - calc);
  const T J_channel = p.ratio_ER_cyt * p.rate_IP3R * cube(m_inf) * cube(n_inf) * cube(h) * (calc_ER - calc);
  f[yIP3] = (p.IP3_0 - ip3) / p.tau_IP3;
  f[yCa] = J_channel - J_pump + J_leak + p.J_noise;
  f[yH] = alpha_h * (1.0 - h) - beta_h * h;
}

class AstrocytePopulation final : public NeuronPopulation {
 public:
  using NeuronPopulation::NeuronPopulation;

  void prepare(const RunContext& rc) override {
    prepare_input(rc, kChannels);
    md_ = rc.min_delay;
    if (sic_.size() != n_ * static_cast<std::size_t>(md_)) sic_.assign(n_ * static_cast<std::size_t>(md_), 0.0);
    step_ = rc.grid->resolution();
    for (std::size_t i = 0; i < n_; ++i)
      if (num_[h_int][i] <= 0.0) num_[h_int][i] = step_;  // NEST's first integration step: the resolution
  }

  void update(StepContext& ctx, long from, long to, std::size_t begin, std::size_t end) override {
    for (long lag = from; lag < to; ++lag) {
      const long step = ctx.slice_origin + lag;
      double* spikes = input_.row(kSpikes, step);
      double* current = input_.row(kCurrent, step);
      auto make = [&]<int W>() { return LaneDriver<W>{*this, lag, spikes, current}; };
      // GSL's y control: a_y = 1, a_dydt = 0 (eps_abs 1e-3, eps_rel 0 per node, from load).
      integrators::evolve_population<kN>(make, 1.0, 0.0, step_, begin, end);
      sample(step, begin, end);
    }
  }

  void deliver_spikes(const SpikeBatch& b) override {
    for (std::size_t k = 0; k < b.count; ++k) {
      const uint32_t m = multiplicity(b, k);
      if (m == 0) continue;
      const double w = b.weight[k] * b.weight_factor;
      if (w < 0.0) {
        report_error("astrocyte_lr_1994 cannot handle input spikes with negative weights (weight " + std::to_string(w) +
                     " to node " + std::to_string(b.target[k]) + ").");
        continue;
      }
      input_.add(kSpikes, b.stamp + b.delay[k] - 1, b.target[k] - first_gid_, w * m);
    }
  }
  void deliver_current(const CurrentBatch& b) override { deliver_current_to(b, kCurrent); }

  const double* secondary_values(Secondary kind, std::size_t i, std::size_t& length) const override {
    length = kind == Secondary::kSic ? static_cast<std::size_t>(md_) : 0;
    return length ? sic_.data() + i * md_ : nullptr;
  }

  double recordable(int k, std::size_t i) const override { return num_[IP3 + k][i]; }

 private:
  // Connects the population to the lock-step stepper for one simulation step.
  template <int W>
  struct LaneDriver {
    using V = typename integrators::Lanes<W>::V;
    AstrocytePopulation& pop;
    long lag;
    double *spikes, *current;
    RhsParams<V> p{};

    bool load(int l, std::size_t i, V* y, integrators::LaneStart& s) {
      auto c = [&](int k) { return pop.num_[k][i]; };
      p.Ca_tot[l] = c(Ca_tot);
      p.IP3_0[l] = c(IP3_0);
      p.Kd_IP3_1[l] = c(Kd_IP3_1);
      p.Kd_IP3_2[l] = c(Kd_IP3_2);
      p.Kd_act[l] = c(Kd_act);
      p.Kd_inh[l] = c(Kd_inh);
      p.Km_SERCA_sq[l] = c(Km_SERCA) * c(Km_SERCA);
      p.k_IP3R[l] = c(k_IP3R);
      p.rate_IP3R[l] = c(rate_IP3R);
      p.rate_L[l] = c(rate_L);
      p.rate_SERCA[l] = c(rate_SERCA);
      p.ratio_ER_cyt[l] = c(ratio_ER_cyt);
      p.tau_IP3[l] = c(tau_IP3);
      p.J_noise[l] = c(J_noise);
      y[yIP3][l] = c(IP3);
      y[yCa][l] = c(Ca_astro);
      y[yH][l] = c(h_IP3R);
      s = {c(h_int), 1e-3, 0.0};
      return true;
    }

    [[gnu::always_inline]] void rhs(const V&, const V* y, V* f) const { astrocyte_rhs<V>(p, y, f); }

    bool accepted(int, V*) { return true; }

    // After the integration, in NEST's order: clamp, synaptic IP3, SIC, next step's noise.
    void finish(int l, std::size_t i, const V* y, double h) {
      auto c = [&](int k) -> double& { return pop.num_[k][i]; };
      c(h_int) = h;
      c(Ca_astro) = std::max(0.0, std::min(y[yCa][l], c(Ca_tot)));
      c(IP3) = y[yIP3][l] + c(delta_IP3) * spikes[i];
      c(h_IP3R) = y[yH][l];
      const double calc_thr = (c(Ca_astro) - c(SIC_th)) * 1000.0;
      pop.sic_[i * pop.md_ + lag] = calc_thr > 1.0 ? std::log(calc_thr) * c(SIC_scale) : 0.0;
      c(J_noise) = current[i];
      spikes[i] = current[i] = 0.0;
    }
  };

  long md_ = 1;
  double step_ = 0.1;
  std::vector<double> sic_;  // this interval's SIC values, md_ per node
};

void validate(const ParamRow& row) {
  auto fail = [](const std::string& key, double v, const std::string& what) {
    throw BadProperty("astrocyte_lr_1994: " + key + " = " + std::to_string(v) + ": " + what);
  };
  auto positive = [&](const char* key, const char* what) {
    if (!(row.num(key) > 0.0)) fail(key, row.num(key), std::string(what) + " must be positive.");
  };
  auto non_negative = [&](const char* key, const char* what) {
    if (!(row.num(key) >= 0.0)) fail(key, row.num(key), std::string(what) + " must be non-negative.");
  };
  // NEST's checks, in its order and with its wording.
  positive("Ca_tot", "Total free astrocytic calcium concentration in terms of cytosolic volume");
  non_negative("IP3_0", "Baseline value of the astrocytic IP3 concentration");
  positive("Kd_act", "Astrocytic IP3R dissociation constant of calcium (activation)");
  non_negative("Kd_inh", "Astrocytic IP3R dissociation constant of calcium (inhibition)");
  positive("Kd_IP3_1", "First astrocytic IP3R dissociation constant of IP3");
  positive("Kd_IP3_2", "Second astrocytic IP3R dissociation constant of IP3");
  positive("Km_SERCA", "Activation constant of astrocytic SERCA pump");
  positive("ratio_ER_cyt", "Ratio between astrocytic ER and cytosol volumes");
  non_negative("delta_IP3",
               "Parameter determining the increase in astrocytic IP3 concentration induced by synaptic input");
  non_negative("k_IP3R", "Astrocytic IP3R binding constant for calcium inhibition");
  positive("SIC_scale", "Parameter determining the scale of astrocytic SIC output");
  non_negative("SIC_th",
               "Threshold that determines the minimal level of intracellular astrocytic calcium sufficient to "
               "induce SIC");
  non_negative("rate_L", "Rate constant of calcium leak from astrocytic ER to cytosol");
  non_negative("rate_IP3R", "Maximum rate of calcium release via astrocytic IP3R");
  non_negative("rate_SERCA", "Maximum rate of calcium uptake by astrocytic SERCA pump");
  positive("tau_IP3", "Time constant of the exponential decay of astrocytic IP3");
  non_negative("IP3", "IP3 concentration");
  non_negative("Ca_astro", "Calcium concentration");
  const double h = row.num("h_IP3R");
  if (!(h >= 0.0 && h <= 1.0))
    fail("h_IP3R", h, "The fraction of active IP3 receptors on the astrocytic ER must be between 0 and 1.");
}

ModelInfo make_astrocyte() {
  ModelInfo m("astrocyte_lr_1994", NodeKind::kNeuron,
              "https://nest-simulator.readthedocs.io/en/stable/models/astrocyte_lr_1994.html");
  m.family = "astrocyte";
  m.param(Ca_tot, "Ca_tot", 2.0, "uM", {}, "Total free calcium concentration in terms of cytosolic volume")
      .param(IP3_0, "IP3_0", 0.16, "uM", {}, "Baseline IP3 concentration")
      .param(Kd_IP3_1, "Kd_IP3_1", 0.13, "uM", {}, "First IP3R dissociation constant of IP3")
      .param(Kd_IP3_2, "Kd_IP3_2", 0.9434, "uM", {}, "Second IP3R dissociation constant of IP3")
      .param(Kd_act, "Kd_act", 0.08234, "uM", {}, "IP3R dissociation constant of calcium (activation)")
      .param(Kd_inh, "Kd_inh", 1.049, "uM", {}, "IP3R dissociation constant of calcium (inhibition)")
      .param(Km_SERCA, "Km_SERCA", 0.1, "uM", {}, "Activation constant of the SERCA pump")
      .param(SIC_scale, "SIC_scale", 1.0, "", {}, "Scale of the slow inward current output")
      .param(SIC_th, "SIC_th", 0.19669, "uM", {}, "Calcium threshold of the slow inward current")
      .param(delta_IP3, "delta_IP3", 0.0002, "uM", {}, "IP3 increase per unit weight of synaptic input")
      .param(k_IP3R, "k_IP3R", 0.0002, "1/(uM*ms)", {}, "IP3R binding constant for calcium inhibition")
      .param(rate_IP3R, "rate_IP3R", 0.006, "1/ms", {}, "Maximum rate of calcium release via IP3R")
      .param(rate_L, "rate_L", 0.00011, "1/ms", {}, "Rate constant of calcium leak from ER to cytosol")
      .param(rate_SERCA, "rate_SERCA", 0.0009, "uM/ms", {}, "Maximum rate of calcium uptake by the SERCA pump")
      .param(ratio_ER_cyt, "ratio_ER_cyt", 0.185, "", {}, "Ratio between ER and cytosol volumes")
      .param(tau_IP3, "tau_IP3", 7142.0, "ms", {}, "Time constant of IP3 decay")
      .state(IP3, "IP3", 0.16, "uM", "IP3 concentration")
      .state(Ca_astro, "Ca_astro", 0.073, "uM", "Cytosolic calcium concentration")
      .state(h_IP3R, "h_IP3R", 0.793, "", "Fraction of IP3 receptors not inactivated by calcium")
      .internal(h_int, "_h_int")
      .internal(J_noise, "_J_noise");
  m.recordables = {"IP3", "Ca_astro", "h_IP3R"};
  m.emits_spikes = false;
  m.archiving = false;
  m.secondary_out = secondary_bit(Secondary::kSic);
  m.validate = validate;
  m.make = [](const ModelInfo& info) { return std::make_unique<AstrocytePopulation>(info); };
  return m;
}

}  // namespace

void register_astrocyte_family(std::vector<const ModelInfo*>& out) {
  static const ModelInfo info = make_astrocyte();
  out.push_back(&info);
}

}  // namespace nestkit

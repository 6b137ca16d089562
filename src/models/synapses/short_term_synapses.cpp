// Short-term plasticity driven by the presynaptic spike train alone, as NEST 3.10:
// tsodyks_synapse (with its PSC state y), tsodyks_synapse_hom, tsodyks2_synapse and
// ht_synapse. Their state depends only on the source's spikes and the parameters,
// so a segment whose synapses share their parameters keeps one record for all.
#include <cmath>

#include "models/synapses/families.hpp"

namespace nestkit::synapses {
namespace {

void check_unit_interval(double v, const char* what) {
  if (v > 1.0 || v < 0.0) throw BadProperty(std::string("'") + what + "' must be in [0,1].");
}

// One Tsodyks–Markram step at a spike after h ms; returns the released fraction.
// NEST writes the recovery propagator of tsodyks_synapse with expm1 and that of
// tsodyks_synapse_hom with exp (Pzz - 1, 1 - Pzz): kHomForm picks the latter, so each
// model keeps NEST's bits.
struct TsodyksState {
  double &x, &y, &u;
};
template <bool kHomForm>
double tsodyks_step(TsodyksState st, double h, double U, double tau_psc, double tau_rec, double tau_fac) {
  const double Puu = (tau_fac == 0.0) ? 0.0 : std::exp(-h / tau_fac);
  const double Pyy = std::exp(-h / tau_psc);
  const double z = 1.0 - st.x - st.y;
  st.u *= Puu;
  if constexpr (kHomForm) {
    const double Pzz = std::exp(-h / tau_rec);
    const double Pxy = ((Pzz - 1.0) * tau_rec - (Pyy - 1.0) * tau_psc) / (tau_psc - tau_rec);
    const double Pxz = 1.0 - Pzz;
    st.x += Pxy * st.y + Pxz * z;
  } else {
    const double Pzz = std::expm1(-h / tau_rec);
    const double Pxy = (Pzz * tau_rec - (Pyy - 1.0) * tau_psc) / (tau_psc - tau_rec);
    st.x += Pxy * st.y - Pzz * z;
  }
  st.y *= Pyy;
  st.u += U * (1.0 - st.u);
  const double delta_y = st.u * st.x;
  st.x -= delta_y;
  st.y += delta_y;
  return delta_y;
}

// --- tsodyks_synapse
enum TsoCol : int { ts_U, ts_tau_psc, ts_tau_rec, ts_tau_fac, ts_x, ts_y, ts_u, ts_t_last, ts_released };

void send_tsodyks(SynapseSpike& s) {
  // The release depends only on the record; computed once per record, it scales
  // each synapse's weight.
  auto advance = [&](double* r) {
    r[ts_released] = tsodyks_step<false>({r[ts_x], r[ts_y], r[ts_u]}, s.t_spike - r[ts_t_last], r[ts_U], r[ts_tau_psc],
                                         r[ts_tau_rec], r[ts_tau_fac]);
    r[ts_t_last] = s.t_spike;
  };
  if (!s.record_each) advance(s.record);
  for (std::size_t k = 0; k < s.count; ++k) {
    double* r = s.record_of(k);
    if (s.record_each) advance(r);
    s.out_weight[k] = r[ts_released] * s.w(k);
  }
}

void check_tsodyks(const std::function<double(const std::string&)>& v) {
  if (v("x") + v("y") > 1.0) throw BadProperty("x + y must be <= 1.0.");
  check_unit_interval(v("U"), "U");
  if (v("tau_psc") <= 0.0) throw BadProperty("'tau_psc' must be > 0.");
  if (v("tau_rec") <= 0.0) throw BadProperty("'tau_rec' must be > 0.");
  if (v("tau_fac") < 0.0) throw BadProperty("'tau_fac' must be >= 0.");
  check_unit_interval(v("u"), "u");
}

SynapseInfo make_tsodyks() {
  SynapseInfo s("tsodyks_synapse", "Tsodyks–Markram short-term plasticity with a PSC state (Tsodyks et al. 2000)");
  s.param(ts_U, "U", 0.5, "", {}, "Increment of u at each spike")
      .param(ts_tau_psc, "tau_psc", 3.0, "ms", {}, "Time constant of the synaptic current")
      .param(ts_tau_rec, "tau_rec", 800.0, "ms", {}, "Recovery time constant")
      .param(ts_tau_fac, "tau_fac", 0.0, "ms", {}, "Facilitation time constant (0: none)")
      .state(ts_x, "x", 1.0, "", {}, "Fraction of resources available")
      .state(ts_y, "y", 0.0, "", {}, "Fraction of resources active")
      .state(ts_u, "u", 0.0, "", {}, "Release probability")
      .hidden(ts_t_last, "_t_lastspike", 0.0)
      .hidden(ts_released, "_released", 0.0);
  s.check = check_tsodyks;
  s.send = send_tsodyks;
  return s;
}

// --- tsodyks_synapse_hom
enum TsoHomCommon : int { th_U, th_tau_psc, th_tau_rec, th_tau_fac };
enum TsoHomRec : int { thr_x, thr_y, thr_u, thr_t_last, thr_released };

void send_tsodyks_hom(SynapseSpike& s) {
  const double* c = s.common;
  auto advance = [&](double* r) {
    r[thr_released] = tsodyks_step<true>({r[thr_x], r[thr_y], r[thr_u]}, s.t_spike - r[thr_t_last], c[th_U],
                                         c[th_tau_psc], c[th_tau_rec], c[th_tau_fac]);
    r[thr_t_last] = s.t_spike;
  };
  if (!s.record_each) advance(s.record);
  for (std::size_t k = 0; k < s.count; ++k) {
    double* r = s.record_of(k);
    if (s.record_each) advance(r);
    s.out_weight[k] = r[thr_released] * s.w(k);
  }
}

SynapseInfo make_tsodyks_hom() {
  SynapseInfo s("tsodyks_synapse_hom", "tsodyks_synapse with parameters common to all its connections");
  s.common(th_U, "U", 0.5, "", {}, "Increment of u at each spike")
      .common(th_tau_psc, "tau_psc", 3.0, "ms", {}, "Time constant of the synaptic current")
      .common(th_tau_rec, "tau_rec", 800.0, "ms", {}, "Recovery time constant")
      .common(th_tau_fac, "tau_fac", 0.0, "ms", {}, "Facilitation time constant (0: none)")
      .state(thr_x, "x", 1.0, "", {}, "Fraction of resources available")
      .state(thr_y, "y", 0.0, "", {}, "Fraction of resources active")
      .state(thr_u, "u", 0.0, "", {}, "Release probability")
      .hidden(thr_t_last, "_t_lastspike", 0.0)
      .hidden(thr_released, "_released", 0.0);
  s.check = [](const auto& v) {
    if (v("x") + v("y") > 1.0) throw BadProperty("x + y must be <= 1.0.");
    if (v("U") > 1.0 || v("U") < 0.0) throw BadProperty("U must be in [0,1].");
    if (v("tau_psc") <= 0.0) throw BadProperty("tau_psc must be > 0.");
    if (v("tau_rec") <= 0.0) throw BadProperty("tau_rec must be > 0.");
    if (v("tau_fac") < 0.0) throw BadProperty("tau_fac must be >= 0.");
  };
  s.send = send_tsodyks_hom;
  return s;
}

// --- tsodyks2_synapse (Fuhrmann et al. 2002 form)
enum Tso2Col : int { t2_U, t2_u, t2_x, t2_tau_rec, t2_tau_fac, t2_t_last };

void send_tsodyks2(SynapseSpike& s) {
  auto advance = [&](double* r) {
    if (r[t2_t_last] >= 0.0) {
      const double h = s.t_spike - r[t2_t_last];
      const double x_decay = std::exp(-h / r[t2_tau_rec]);
      const double u_decay = (r[t2_tau_fac] == 0) ? 0.0 : std::exp(-h / r[t2_tau_fac]);
      r[t2_x] = 1. + (r[t2_x] - r[t2_x] * r[t2_u] - 1.) * x_decay;
      r[t2_u] = r[t2_U] + r[t2_u] * (1. - r[t2_U]) * u_decay;
    }
    r[t2_t_last] = s.t_spike;
  };
  if (!s.record_each) advance(s.record);
  for (std::size_t k = 0; k < s.count; ++k) {
    double* r = s.record_of(k);
    if (s.record_each) advance(r);
    s.out_weight[k] = r[t2_x] * r[t2_u] * s.w(k);
  }
}

SynapseInfo make_tsodyks2() {
  SynapseInfo s("tsodyks2_synapse", "Tsodyks–Markram short-term plasticity (Fuhrmann et al. 2002 form)");
  s.param(t2_U, "U", 0.5, "", {}, "Increment of u at each spike")
      .state(t2_u, "u", 0.5, "", {}, "Release probability")
      .state(t2_x, "x", 1.0, "", {}, "Fraction of resources available")
      .param(t2_tau_rec, "tau_rec", 800.0, "ms", {}, "Recovery time constant")
      .param(t2_tau_fac, "tau_fac", 0.0, "ms", {}, "Facilitation time constant (0: none)")
      .hidden(t2_t_last, "_t_lastspike", -1.0);
  s.check = [](const auto& v) {
    check_unit_interval(v("U"), "U");
    check_unit_interval(v("u"), "u");
    if (v("tau_rec") <= 0.0) throw BadProperty("'tau_rec' must be > 0.");
    if (v("tau_fac") < 0.0) throw BadProperty("'tau_fac' must be >= 0.");
  };
  s.send = send_tsodyks2;
  return s;
}

// --- ht_synapse (Hill & Tononi 2005): depression of a release probability P.
enum HtCol : int { ht_tau_P, ht_delta_P, ht_P, ht_t_last, ht_sent_P };

void send_ht(SynapseSpike& s) {
  auto advance = [&](double* r) {
    r[ht_P] = 1 - (1 - r[ht_P]) * std::exp(-(s.t_spike - r[ht_t_last]) / r[ht_tau_P]);
    r[ht_sent_P] = r[ht_P];
    r[ht_P] *= (1 - r[ht_delta_P]);
    r[ht_t_last] = s.t_spike;
  };
  if (!s.record_each) advance(s.record);
  for (std::size_t k = 0; k < s.count; ++k) {
    double* r = s.record_of(k);
    if (s.record_each) advance(r);
    s.out_weight[k] = s.w(k) * r[ht_sent_P];
  }
}

SynapseInfo make_ht() {
  SynapseInfo s("ht_synapse", "Synaptic depression of Hill & Tononi (2005)");
  s.param(ht_tau_P, "tau_P", 500.0, "ms", {}, "Recovery time constant of P")
      .param(ht_delta_P, "delta_P", 0.125, "", {}, "Fractional decrease of P at each spike")
      .state(ht_P, "P", 1.0, "", {}, "Release probability")
      .hidden(ht_t_last, "_t_lastspike", 0.0)
      .hidden(ht_sent_P, "_sent_P", 1.0);
  s.check = [](const auto& v) {
    if (v("tau_P") <= 0.0) throw BadProperty("tau_P > 0 required.");
    if (v("delta_P") < 0.0 || v("delta_P") > 1.0) throw BadProperty("0 <= delta_P <= 1 required.");
    if (v("P") < 0.0 || v("P") > 1.0) throw BadProperty("0 <= P <= 1 required.");
  };
  s.send = send_ht;
  return s;
}

}  // namespace

void register_short_term(std::vector<const SynapseInfo*>& out) {
  static const SynapseInfo ts = make_tsodyks(), hom = make_tsodyks_hom(), ts2 = make_tsodyks2(), ht = make_ht();
  for (const SynapseInfo* s : {&ts, &hom, &ts2, &ht}) out.push_back(s);
}

}  // namespace nestkit::synapses

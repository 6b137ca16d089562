#pragma once
// Leak propagators for a constant current, in the two association orders NEST's
// exponential-family models use. Mathematically both equal tau/C (1 - e^{-h/tau});
// they differ in the last bits, and reproducing NEST's rounding keeps threshold
// crossings that sit within an ulp of V_th on the same step as in NEST.
// `decay` is exp(-h/tau_m), as the model computed it.

namespace nestkit::integrators {

// tau/C * (1 - decay): iaf_psc_exp, iaf_psc_exp_htum, iaf_tum_2000.
inline double leak_current_propagator_tau_first(double tau_m, double c_m, double decay) {
  return tau_m / c_m * (1.0 - decay);
}

// 1/C * (1 - decay) * tau: iaf_psc_delta.
inline double leak_current_propagator_inv_c_first(double tau_m, double c_m, double decay) {
  return 1.0 / c_m * (1.0 - decay) * tau_m;
}

}  // namespace nestkit::integrators

// siegert_neuron: a mean-field unit whose rate relaxes to the Siegert rate of a
// leaky integrate-and-fire neuron driven by white noise of mean mu and variance
// sigma^2 (Fourcaud & Brunel 2002's shift of threshold and reset for synaptic
// filtering), plus a constant `mean`:
//   tau dr/dt = -r + mean + Phi(mu, sigma^2),   integrated as r <- P1 r + P2 (mean + Phi)
// with P1 = exp(-h/tau), P2 = -expm1(-h/tau). mu and sigma^2 of each step are the
// rates received through diffusion_connection times drift_factor and
// diffusion_factor. Phi (1/s) = 1e3 / (t_ref + tau_m sqrt(pi) I), where I is the
// integral of erfcx over [y_r, y_th], y = (V - mu)/sigma + (alpha/2) sqrt(tau_syn/tau_m);
// the integral is evaluated in the same three numerically safe forms as NEST
// (Dawson's function where both ends are positive), and Phi = 0 when the threshold
// lies more than six standard deviations above mu. Inputs come as instantaneous
// couplings (waveform relaxation, as the rate neurons' instantaneous rates).
#include <algorithm>
#include <cmath>
#include <functional>

#include "integrators/nest_expm1.hpp"
#include "models/neurons/neuron_base.hpp"
#include "nestkit/registry.hpp"

namespace nestkit {
namespace {

// exp(x^2) erfc(x).
double erfcx(double x) {
  if (x < 25.0) return std::exp(x * x) * std::erfc(x);
  // Asymptotic series; its terms fall below 1e-17 of the first here.
  const double z = 1.0 / (2.0 * x * x);
  double term = 1.0, sum = 1.0;
  for (int k = 1; k < 8; ++k) {
    term *= -(2.0 * k - 1.0) * z;
    sum += term;
  }
  return sum / (x * std::sqrt(M_PI));
}

// Adaptive 15-point Gauss-Kronrod quadrature of f over [a, b].
double integrate(const std::function<double(double)>& f, double a, double b, double rel = 1e-12, int depth = 0) {
  static constexpr double xk[8] = {0.991455371120812639206854697526329, 0.949107912342758524526189684047851,
                                   0.864864423359769072789712788640926, 0.741531185599394439863864773280788,
                                   0.586087235467691130294144845693013, 0.405845151377397166906606412076961,
                                   0.207784955007898467600689403773245, 0.0};
  static constexpr double wk[8] = {0.022935322010529224963732008058970, 0.063092092629978553290700663189204,
                                   0.104790010322250183839876322541518, 0.140653259715525918745189590510238,
                                   0.169004726639267902826583426598550, 0.190350578064785409913256402421014,
                                   0.204432940075298892414161999234649, 0.209482141084727828012999174891714};
  static constexpr double wg[4] = {0.129484966168869693270611432679082, 0.279705391489276667901467771423780,
                                   0.381830050505118944950369775488975, 0.417959183673469387755102040816327};
  const double c = 0.5 * (a + b), hl = 0.5 * (b - a);
  const double fc = f(c);
  double k = wk[7] * fc, g = wg[3] * fc;
  for (int j = 0; j < 7; ++j) {
    const double s = f(c - hl * xk[j]) + f(c + hl * xk[j]);
    k += wk[j] * s;
    if (j % 2 == 1) g += wg[j / 2] * s;
  }
  k *= hl;
  g *= hl;
  if (std::fabs(k - g) <= rel * std::fabs(k) || depth >= 40 || std::fabs(k - g) < 1e-300) return k;
  return integrate(f, a, c, rel, depth + 1) + integrate(f, c, b, rel, depth + 1);
}

// Dawson's function exp(-x^2) int_0^x exp(t^2) dt (x >= 0 here).
double dawson(double x) {
  if (x == 0.0) return 0.0;
  return integrate([x](double t) { return std::exp((t - x) * (t + x)); }, 0.0, x);
}

enum Col : int { c_tau, c_tau_m, c_tau_syn, c_t_ref, c_mean, c_theta, c_V_reset, c_rate };

struct SiegertParams {
  double tau_m, tau_syn, t_ref, theta, V_reset;
};

double siegert_rate(const SiegertParams& p, double mu, double sigma_square) {
  const double sigma = std::sqrt(sigma_square);
  if (p.theta - mu > 6.0 * sigma) return 0.0;
  const double alpha = 2.0652531522312172;  // sqrt(2) |zeta(1/2)|
  const double shift = alpha / 2.0 * std::sqrt(p.tau_syn / p.tau_m);
  const double y_th = (p.theta - mu) / sigma + shift;
  const double y_r = (p.V_reset - mu) / sigma + shift;
  const double sqrt_pi = std::sqrt(M_PI);
  if (y_r > 0.0) {
    const double r = integrate(erfcx, y_r, y_th);
    const double integral =
        2.0 * dawson(y_th) - 2.0 * std::exp(y_r * y_r - y_th * y_th) * dawson(y_r) - std::exp(-y_th * y_th) * r;
    const double e = std::exp(-y_th * y_th);
    return 1e3 * e / (e * p.t_ref + p.tau_m * sqrt_pi * integral);
  }
  if (y_th < 0.0) {
    const double integral = integrate(erfcx, -y_th, -y_r);
    return 1e3 / (p.t_ref + p.tau_m * sqrt_pi * integral);
  }
  const double r = integrate(erfcx, y_th, -y_r);
  const double integral = 2.0 * dawson(y_th) + std::exp(-y_th * y_th) * r;
  const double e = std::exp(-y_th * y_th);
  return 1e3 * e / (e * p.t_ref + p.tau_m * sqrt_pi * integral);
}

class SiegertPopulation final : public NeuronPopulation {
 public:
  using NeuronPopulation::NeuronPopulation;

  void prepare(const RunContext& rc) override {
    md_ = rc.min_delay;
    use_wfr_ = rc.use_wfr;
    tol_ = rc.wfr_tol;
    const std::size_t size = n_ * static_cast<std::size_t>(md_);
    if (drift_.size() != size) {
      drift_.assign(size, 0.0);
      diffusion_.assign(size, 0.0);
      last_y_.assign(size, 0.0);
      out_.assign(size, 0.0);
    }
    saved_.assign(n_, 0.0);
    const double h = rc.grid->resolution();
    p1_.resize(n_);
    p2_.resize(n_);
    for (std::size_t i = 0; i < n_; ++i) {
      p1_[i] = std::exp(-h / num_[c_tau][i]);
      p2_[i] = -integrators::nest_expm1(-h / num_[c_tau][i]);
    }
  }

  void update(StepContext& ctx, long from, long to, std::size_t begin, std::size_t end) override {
    run(ctx, from, to, begin, end, false);
    if (to == md_)
      for (std::size_t i = begin; i < end; ++i) {
        std::fill_n(out_.data() + i * md_, md_, num_[c_rate][i]);
        std::fill_n(last_y_.data() + i * md_, md_, 0.0);
        std::fill_n(drift_.data() + i * md_, md_, 0.0);
        std::fill_n(diffusion_.data() + i * md_, md_, 0.0);
      }
  }

  bool uses_wfr() const override { return use_wfr_; }

  bool wfr_update(StepContext& ctx, long from, long to, std::size_t begin, std::size_t end) override {
    for (std::size_t i = begin; i < end; ++i) saved_[i] = num_[c_rate][i];
    const bool exceeded = run(ctx, from, to, begin, end, true);
    for (std::size_t i = begin; i < end; ++i) {
      num_[c_rate][i] = saved_[i];
      std::fill_n(drift_.data() + i * md_, md_, 0.0);
      std::fill_n(diffusion_.data() + i * md_, md_, 0.0);
    }
    return !exceeded;
  }

  const double* secondary_values(Secondary kind, std::size_t i, std::size_t& length) const override {
    length = kind == Secondary::kDiffusion ? static_cast<std::size_t>(md_) : 0;
    return length ? out_.data() + i * md_ : nullptr;
  }

  void deliver_secondary(const SecondaryBatch& b) override {
    if (b.kind != Secondary::kDiffusion) return;
    const std::size_t len = std::min<std::size_t>(b.length, static_cast<std::size_t>(md_));
    for (std::size_t k = 0; k < b.count; ++k) {
      const std::size_t t = b.target[k] - first_gid_;
      const double* r = b.record_of(k);
      const double drift = r[0], diffusion = r[1];
      for (std::size_t j = 0; j < len; ++j) {
        drift_[t * md_ + j] += drift * b.values[j];
        diffusion_[t * md_ + j] += diffusion * b.values[j];
      }
    }
  }

  double recordable(int, std::size_t i) const override { return num_[c_rate][i]; }

 private:
  bool run(StepContext& ctx, long from, long to, std::size_t begin, std::size_t end, bool wfr) {
    double* R = col(c_rate);
    bool exceeded = false;
    for (long lag = from; lag < to; ++lag) {
      for (std::size_t i = begin; i < end; ++i) {
        const std::size_t q = i * md_ + lag;
        const double sent = R[i];
        const SiegertParams p{num_[c_tau_m][i], num_[c_tau_syn][i], num_[c_t_ref][i], num_[c_theta][i],
                              num_[c_V_reset][i]};
        const double drive = siegert_rate(p, drift_[q], diffusion_[q]);
        R[i] = p1_[i] * R[i] + p2_[i] * (num_[c_mean][i] + drive);
        if (wfr) {
          exceeded = exceeded || std::fabs(R[i] - last_y_[q]) > tol_;
          last_y_[q] = R[i];
          out_[q] = sent;
        }
      }
      if (!wfr) sample(ctx.slice_origin + lag, begin, end);
    }
    return exceeded;
  }

  long md_ = 1;
  bool use_wfr_ = true;
  double tol_ = 1e-4;
  std::vector<double> drift_, diffusion_, last_y_, out_, saved_, p1_, p2_;
};

ModelInfo make_siegert() {
  ModelInfo m("siegert_neuron", NodeKind::kNeuron,
              "https://nest-simulator.readthedocs.io/en/stable/models/siegert_neuron.html");
  m.family = "rate";
  m.param(c_tau, "tau", 1.0, "ms", positive(), "Time constant of the rate dynamics")
      .param(c_tau_m, "tau_m", 5.0, "ms", positive(), "Membrane time constant")
      .param(c_tau_syn, "tau_syn", 0.0, "ms", non_negative(), "Synaptic time constant")
      .param(c_t_ref, "t_ref", 2.0, "ms", non_negative(), "Refractory period")
      .param(c_mean, "mean", 0.0, "1/s", {}, "Additive constant rate drive")
      .param(c_theta, "theta", 15.0, "mV", {}, "Threshold relative to the resting potential")
      .param(c_V_reset, "V_reset", 0.0, "mV", {}, "Reset potential relative to the resting potential")
      .state(c_rate, "rate", 0.0, "1/s", "Rate");
  m.recordables = {"rate"};
  m.spike_receptors = {};
  m.current_receptors = {};
  m.accepts_current = false;
  m.emits_spikes = false;
  m.archiving = false;
  m.secondary_in = secondary_bit(Secondary::kDiffusion);
  m.secondary_out = secondary_bit(Secondary::kDiffusion);
  m.validate = [](const ParamRow& row) {
    if (!(row.num("V_reset") < row.num("theta")))
      throw BadProperty(
          "siegert_neuron: V_reset = " + std::to_string(row.num("V_reset")) +
          " mV: Reset potential must be smaller than threshold (theta = " + std::to_string(row.num("theta")) + " mV).");
  };
  m.archiving_params();
  m.make = [](const ModelInfo& info) { return std::make_unique<SiegertPopulation>(info); };
  return m;
}

}  // namespace

void register_siegert(std::vector<const ModelInfo*>& out) {
  static const ModelInfo info = make_siegert();
  out.push_back(&info);
}

}  // namespace nestkit

// Rate neurons (NEST's rate_neuron_ipn / rate_neuron_opn templates) and rate
// transformer nodes, one class for all nonlinearities.
//
// Input noise (ipn): the rate follows tau dX = (-lambda X + mu + input) dt + sqrt(tau) sigma dW,
// integrated by the exponential Euler scheme (exact for the Ornstein-Uhlenbeck part):
//   X(t+h) = P1 X(t) + P2 (mu + input) + sqrt(-(1/2 lambda) expm1(-2 lambda h / tau)) sigma xi,
// P1 = exp(-lambda h / tau), P2 = -expm1(-lambda h / tau) / lambda (lambda = 0: P1 = 1,
// P2 = h / tau, noise factor sqrt(h / tau)). Output noise (opn): the rate relaxes with
// lambda = 1 without noise, and it sends X + sqrt(tau / h) sigma xi (noisy_rate).
// The input is phi(sum of weighted rates) with linear_summation, else the sum of
// weighted phi(rate); with mult_coupling the excitatory and inhibitory parts are
// scaled by H_ex(X), H_in(X) of the rate at the step's start. A transformer node's
// rate is phi(input) (or the input) of the step.
//
// Inputs arrive as secondary events: delayed rates into a ring indexed by absolute
// step, instantaneous rates into one buffer per interval. Sent values of a step are
// the rate at its start (opn: the noisy rate); after the interval's final update the
// instantaneous value of every step is the rate at its end, which the next interval
// reads until waveform relaxation replaces it (without relaxation, for the whole
// interval), as NEST. Noise draws are keyed by (node, step), so relaxation
// iterations, thread counts and chunked runs see the same numbers.
#include <algorithm>
#include <cmath>
#include <limits>

#include "integrators/nest_expm1.hpp"
#include "models/neurons/neuron_base.hpp"
#include "nestkit/registry.hpp"
#include "nestkit/rng.hpp"

namespace nestkit {
namespace {

enum Col : int {
  c_tau,
  c_lambda,
  c_sigma,
  c_mu,
  c_std,
  c_mean,
  c_rectify_rate,
  c_linsum,
  c_rectify_out,
  c_mult,
  c_g,
  c_g_ex,
  c_g_in,
  c_theta_ex,
  c_theta_in,
  c_theta,
  c_alpha,
  c_beta,
  c_rate,
  c_noise,
  c_noisy_rate,
};

enum class Phi { kLin, kTanh, kThresholdLin, kSigmoid, kSigmoidGG1998, kGauss };
enum class Flavor { kIpn, kOpn, kTransformer };

// The nonlinearity of one node, with its parameters.
struct Nonlinearity {
  Phi phi;
  double g, g_ex, g_in, theta_ex, theta_in, theta, alpha, beta, mu, sigma;
  double input(double h) const {
    switch (phi) {
      case Phi::kLin:
        return g * h;
      case Phi::kTanh:
        return std::tanh(g * (h - theta));
      case Phi::kThresholdLin:
        return std::min(std::max(g * (h - theta), 0.0), alpha);
      case Phi::kSigmoid:
        return g / (1.0 + std::exp(-beta * (h - theta)));
      case Phi::kSigmoidGG1998: {
        const double x = std::pow(g * h, 4.0);
        return x / (std::pow(0.1, 4.0) + x);
      }
      case Phi::kGauss:
        return g * std::exp(-std::pow(h - mu, 2.0) / (2.0 * std::pow(sigma, 2.0)));
    }
    return h;
  }
  double h_ex(double rate) const { return phi == Phi::kLin ? g_ex * (theta_ex - rate) : 1.0; }
  double h_in(double rate) const { return phi == Phi::kLin ? g_in * (theta_in + rate) : 1.0; }
};

struct Kind {
  Phi phi;
  Flavor flavor;
};

class RatePopulation final : public NeuronPopulation {
 public:
  RatePopulation(const ModelInfo& info, Kind kind) : NeuronPopulation(info), kind_(kind) {}

  void prepare(const RunContext& rc) override {
    // The delayed-rate ring (see delayed_): sized on the first run, later runs keep
    // pending input unless the ring's length changes (as NeuronPopulation::prepare_input,
    // whose step-major input_ the rate models leave unused).
    if (ring_ != rc.ring_size || delayed_.size() != n_ * 2 * static_cast<std::size_t>(rc.ring_size)) {
      ring_ = rc.ring_size;
      delayed_.assign(n_ * 2 * static_cast<std::size_t>(ring_), 0.0);
    }
    md_ = rc.min_delay;
    seed_ = rc.seed;
    use_wfr_ = rc.use_wfr;
    tol_ = rc.wfr_tol;
    const std::size_t size = n_ * static_cast<std::size_t>(md_);
    if (inst_ex_.size() != size) {
      inst_ex_.assign(size, 0.0);
      inst_in_.assign(size, 0.0);
      last_y_.assign(size, 0.0);
      out_delayed_.assign(size, 0.0);
      out_instant_.assign(size, 0.0);
    }
    saved_.assign(3 * n_, 0.0);
    const double h = rc.grid->resolution();
    p1_.resize(n_);
    p2_.resize(n_);
    noise_factor_.resize(n_);
    phi_.resize(n_);
    all_linsum_ = std::all_of(col(c_linsum), col(c_linsum) + n_, [](double f) { return f != 0.0; });
    for (std::size_t i = 0; i < n_; ++i) {
      const double tau = num_[c_tau][i];
      if (kind_.flavor == Flavor::kIpn) {
        const double lambda = num_[c_lambda][i];
        if (lambda > 0.0) {
          p1_[i] = std::exp(-lambda * h / tau);
          p2_[i] = -1.0 / lambda * integrators::nest_expm1(-lambda * h / tau);
          noise_factor_[i] = std::sqrt(-0.5 / lambda * integrators::nest_expm1(-2.0 * lambda * h / tau));
        } else {
          p1_[i] = 1.0;
          p2_[i] = h / tau;
          noise_factor_[i] = std::sqrt(h / tau);
        }
      } else if (kind_.flavor == Flavor::kOpn) {
        p1_[i] = std::exp(-h / tau);
        p2_[i] = -integrators::nest_expm1(-h / tau);
        noise_factor_[i] = std::sqrt(tau / h);
      }
      phi_[i] = {kind_.phi,           num_[c_g][i],        num_[c_g_ex][i],  num_[c_g_in][i],
                 num_[c_theta_ex][i], num_[c_theta_in][i], num_[c_theta][i], num_[c_alpha][i],
                 num_[c_beta][i],     num_[c_mu][i],       num_[c_sigma][i]};
    }
  }

  void update(StepContext& ctx, long from, long to, std::size_t begin, std::size_t end) override {
    run(ctx, from, to, begin, end, false);
    if (to == md_) {
      // End of the interval: every step's instantaneous value is the final rate
      // (opn: the last noisy rate); the interval's inputs are used up.
      const double* out = kind_.flavor == Flavor::kOpn ? col(c_noisy_rate) : col(c_rate);
      for (std::size_t i = begin; i < end; ++i) {
        std::fill_n(out_instant_.data() + i * md_, md_, out[i]);
        std::fill_n(last_y_.data() + i * md_, md_, 0.0);
        std::fill_n(inst_ex_.data() + i * md_, md_, 0.0);
        std::fill_n(inst_in_.data() + i * md_, md_, 0.0);
      }
    }
  }

  bool uses_wfr() const override { return use_wfr_; }

  bool wfr_update(StepContext& ctx, long from, long to, std::size_t begin, std::size_t end) override {
    // The state is kept and restored: an iteration only produces the values sent.
    for (std::size_t i = begin; i < end; ++i) {
      saved_[i] = num_[c_rate][i];
      saved_[n_ + i] = num_[c_noise][i];
      saved_[2 * n_ + i] = num_[c_noisy_rate][i];
    }
    const bool exceeded = run(ctx, from, to, begin, end, true);
    for (std::size_t i = begin; i < end; ++i) {
      num_[c_rate][i] = saved_[i];
      num_[c_noise][i] = saved_[n_ + i];
      num_[c_noisy_rate][i] = saved_[2 * n_ + i];
      std::fill_n(inst_ex_.data() + i * md_, md_, 0.0);
      std::fill_n(inst_in_.data() + i * md_, md_, 0.0);
    }
    return !exceeded;
  }

  const double* secondary_values(Secondary kind, std::size_t i, std::size_t& length) const override {
    length = static_cast<std::size_t>(md_);
    if (kind == Secondary::kDelayedRate) return out_delayed_.data() + i * md_;
    if (kind == Secondary::kInstantRate) return out_instant_.data() + i * md_;
    length = 0;
    return nullptr;
  }

  void deliver_secondary(const SecondaryBatch& b) override {
    const std::size_t len = std::min<std::size_t>(b.length, static_cast<std::size_t>(md_));
    if (b.kind == Secondary::kInstantRate) {
      deliver_instant(b, len);
    } else if (b.kind == Secondary::kDelayedRate) {
      deliver_delayed(b, len);
    }
  }

  double recordable(int r, std::size_t i) const override {
    const std::string& name = info_->recordables[static_cast<std::size_t>(r)];
    if (name == "rate") return num_[c_rate][i];
    if (name == "noise") return num_[c_noise][i];
    return num_[c_noisy_rate][i];
  }

 private:
  // Adds w * (phi of) the source's values of the interval to the targets' instantaneous
  // input of the interval's steps, connection by connection and step by step, every
  // term the same product as in the plain loop, so each cell sums the same terms in the
  // same order. What is cheaper: the values are a local copy that the stores cannot
  // alias (the loop vectorises), all_linsum_ spares a scattered read of the target's
  // flag, and a later connection's cells are asked for early (a hint, no value changes).
  void deliver_instant(const SecondaryBatch& b, std::size_t len) {
    constexpr std::size_t kMaxLen = 64;
    double copy[kMaxLen];
    const double* v = b.values;
    if (len <= kMaxLen) v = std::copy_n(b.values, len, copy) - len;
    const double* linsum = col(c_linsum);
    constexpr std::size_t kAhead = 8;
    for (std::size_t k = 0; k < b.count; ++k) {
      const std::size_t t = b.target[k] - first_gid_;
      const double w = b.weight[k];
      if (k + kAhead < b.count) {
        const std::size_t ta = b.target[k + kAhead] - first_gid_;
        const double* pa = (b.weight[k + kAhead] >= 0.0 ? inst_ex_.data() : inst_in_.data()) + ta * md_;
        __builtin_prefetch(pa, 1);
        __builtin_prefetch(pa + len - 1, 1);
      }
      double* dst = (w >= 0.0 ? inst_ex_.data() : inst_in_.data()) + t * md_;
      if (all_linsum_ || linsum[t] != 0.0) {
        for (std::size_t j = 0; j < len; ++j) dst[j] += w * v[j];
      } else {
        const Nonlinearity& phi = phi_[t];
        for (std::size_t j = 0; j < len; ++j) dst[j] += w * phi.input(v[j]);
      }
    }
  }

  // Adds w * (phi of) the source's values of the interval into the ring cells of the
  // targets' steps origin + delay + j. The connections and steps are visited in the
  // order of the plain loop (connection by connection, step by step) and every term is
  // the same product, so each cell sums the same terms in the same order. What is
  // cheaper: a target's cells of consecutive steps are adjacent (a cache line or two
  // per connection, not one line per step), and the ring slots are computed (one
  // modulo each) when the delay changes, not per connection and step.
  void deliver_delayed(const SecondaryBatch& b, std::size_t len) {
    const long R = ring_;
    double* ring = delayed_.data();
    constexpr std::size_t kMaxLen = 64;  // slots kept on the stack; longer intervals take the plain loop
    if (len > kMaxLen) {
      for (std::size_t k = 0; k < b.count; ++k) {
        const std::size_t t = b.target[k] - first_gid_;
        const double w = b.weight[k];
        const bool linsum = num_[c_linsum][t] != 0.0;
        const Nonlinearity& phi = phi_[t];
        double* c = ring + (2 * t + (w >= 0.0 ? 0 : 1)) * R;
        for (std::size_t j = 0; j < len; ++j)
          c[(b.origin + b.delay[k] + static_cast<long>(j)) % R] += w * (linsum ? b.values[j] : phi.input(b.values[j]));
      }
      return;
    }
    // A local copy of the values: the stores into the ring cannot alias it.
    double v[kMaxLen];
    std::copy_n(b.values, len, v);
    long slot[kMaxLen];
    long first = 0;
    bool wraps = false;
    long slots_delay = -1;
    const double* linsum = col(c_linsum);
    constexpr std::size_t kAhead = 8;
    for (std::size_t k = 0; k < b.count; ++k) {
      const std::size_t t = b.target[k] - first_gid_;
      const double w = b.weight[k];
      const long d = b.delay[k];
      if (d != slots_delay) {
        for (std::size_t j = 0; j < len; ++j) slot[j] = (b.origin + d + static_cast<long>(j)) % R;
        first = slot[0];
        wraps = first + static_cast<long>(len) > R;
        slots_delay = d;
      }
      if (k + kAhead < b.count) {
        // The targets are scattered over the ring, which outgrows the caches: ask for the
        // cells of a later connection now (a hint only; it changes no value).
        const std::size_t ta = b.target[k + kAhead] - first_gid_;
        const double* pa = ring + (2 * ta + (b.weight[k + kAhead] >= 0.0 ? 0 : 1)) * R + first;
        __builtin_prefetch(pa, 1);
        __builtin_prefetch(pa + len - 1, 1);
      }
      double* c = ring + (2 * t + (w >= 0.0 ? 0 : 1)) * R;
      // all_linsum_ spares a read of the target's flag (one more scattered cache line).
      if (all_linsum_ || linsum[t] != 0.0) {
        if (!wraps) {
          double* cf = c + first;
          for (std::size_t j = 0; j < len; ++j) cf[j] += w * v[j];
        } else {
          for (std::size_t j = 0; j < len; ++j) c[slot[j]] += w * v[j];
        }
      } else {
        const Nonlinearity& phi = phi_[t];
        for (std::size_t j = 0; j < len; ++j) c[slot[j]] += w * phi.input(v[j]);
      }
    }
  }

  // One pass over steps [from, to); returns whether some node moved by more than
  // the tolerance from the last iteration (relaxation only).
  bool run(StepContext& ctx, long from, long to, std::size_t begin, std::size_t end, bool wfr) {
    double* X = col(c_rate);
    double* N = col(c_noise);
    double* Y = col(c_noisy_rate);
    const double* std_ = col(c_std);
    const double* mean = col(c_mean);
    const double* linsum = col(c_linsum);
    const double* mult = col(c_mult);
    const double* rect = col(c_rectify_out);
    const double* rect_rate = col(c_rectify_rate);
    bool exceeded = false;
    for (long lag = from; lag < to; ++lag) {
      const long step = ctx.slice_origin + lag;
      double* cells = delayed_.data() + step % ring_;
      for (std::size_t i = begin; i < end; ++i) {
        const std::size_t q = i * md_ + lag;
        double* cell = cells + 2 * i * ring_;
        const double del_ex = cell[0], del_in = cell[ring_];
        // The delayed input of this step is used up (relaxation only reads it).
        if (!wfr) cell[0] = cell[ring_] = 0.0;
        const double in_ex = inst_ex_[q], in_in = inst_in_[q];
        const Nonlinearity& phi = phi_[i];
        double sent;
        if (kind_.flavor == Flavor::kTransformer) {
          sent = X[i];
          const double sum = del_ex + in_ex + del_in + in_in;
          X[i] = linsum[i] != 0.0 ? phi.input(sum) : sum;
        } else {
          const double xi = std_[i] != 0.0
                                ? RandomStream(seed_, Purpose::kRateNoise, first_gid_ + static_cast<uint32_t>(i),
                                               static_cast<uint64_t>(step))
                                      .normal()
                                : 0.0;
          N[i] = std_[i] * xi;
          double x;
          if (kind_.flavor == Flavor::kIpn) {
            sent = X[i];
            x = p1_[i] * sent + p2_[i] * mean[i] + noise_factor_[i] * N[i];
          } else {
            Y[i] = X[i] + noise_factor_[i] * N[i];
            sent = Y[i];
            x = p1_[i] * X[i] + p2_[i] * mean[i];
          }
          const double h_ex = mult[i] != 0.0 ? phi.h_ex(sent) : 1.0;
          const double h_in = mult[i] != 0.0 ? phi.h_in(sent) : 1.0;
          if (linsum[i] != 0.0) {
            if (mult[i] != 0.0) {
              x += p2_[i] * h_ex * phi.input(del_ex + in_ex);
              x += p2_[i] * h_in * phi.input(del_in + in_in);
            } else {
              x += p2_[i] * phi.input(del_ex + in_ex + del_in + in_in);
            }
          } else {
            x += p2_[i] * h_ex * (del_ex + in_ex);
            x += p2_[i] * h_in * (del_in + in_in);
          }
          if (kind_.flavor == Flavor::kIpn && rect[i] != 0.0 && x < rect_rate[i]) x = rect_rate[i];
          X[i] = x;
        }
        if (wfr) {
          exceeded = exceeded || std::fabs(X[i] - last_y_[q]) > tol_;
          last_y_[q] = X[i];
          out_instant_[q] = sent;
        } else {
          out_delayed_[q] = sent;
        }
      }
      if (!wfr) sample(step, begin, end);
    }
    return exceeded;
  }

  Kind kind_;
  long md_ = 1;
  uint32_t seed_ = 0;
  bool use_wfr_ = true;
  double tol_ = 1e-4;
  std::vector<double> inst_ex_, inst_in_, last_y_, out_delayed_, out_instant_, saved_;
  std::vector<double> p1_, p2_, noise_factor_;
  // Delayed-rate input, ring_ slots per node and channel (excitatory, inhibitory):
  // cell (i, channel, absolute step s) is delayed_[(2 i + channel) ring_ + s % ring_].
  // Node-major, unlike NeuronPopulation's step-major InputRing, since a delayed rate
  // connection adds to its target's cells of a whole interval at once.
  std::vector<double> delayed_;
  long ring_ = 0;
  bool all_linsum_ = false;  // every node has linear_summation (parameters are fixed during a run)
  std::vector<Nonlinearity> phi_;
};

// mu/mean and sigma/std are two names of one parameter (NEST renamed them), except in
// gauss_rate_* where mu and sigma name the nonlinearity's and setting them sets the
// neuron's drive and noise too, as NEST's two set_status calls read the same key.
void validate_rate(const ParamRow& row_in, bool gauss, Flavor flavor, const std::string& model) {
  ParamRow& row = const_cast<ParamRow&>(row_in);
  if (flavor != Flavor::kTransformer) {
    if (gauss) {
      if (row.given("mu") && !row.given("mean")) row.at("mean") = row.num("mu");
      if (row.given("sigma") && !row.given("std")) row.at("std") = row.num("sigma");
    } else {
      if (row.given("mean"))
        row.at("mu") = row.num("mean");
      else
        row.at("mean") = row.num("mu");
      if (row.given("std"))
        row.at("sigma") = row.num("std");
      else
        row.at("std") = row.num("sigma");
    }
    if (!(row.num("std") >= 0.0))
      throw BadProperty(model + ": std (sigma) = " + std::to_string(row.num("std")) +
                        ": Noise parameter must not be negative.");
  }
}

std::string nice(Phi p) {
  switch (p) {
    case Phi::kLin:
      return "lin";
    case Phi::kTanh:
      return "tanh";
    case Phi::kThresholdLin:
      return "threshold_lin";
    case Phi::kSigmoid:
      return "sigmoid";
    case Phi::kSigmoidGG1998:
      return "sigmoid_gg_1998";
    case Phi::kGauss:
      return "gauss";
  }
  return "";
}

ModelInfo make_rate(Phi phi, Flavor flavor) {
  const std::string base = nice(phi);
  // NEST's names: <phi>_rate_<ipn|opn> (sigmoid_rate_gg_1998_ipn) and rate_transformer_<phi>.
  const std::string neuron_base = phi == Phi::kSigmoidGG1998 ? "sigmoid_rate_gg_1998" : base + "_rate";
  const std::string name = flavor == Flavor::kTransformer ? "rate_transformer_" + base
                                                          : neuron_base + (flavor == Flavor::kIpn ? "_ipn" : "_opn");
  ModelInfo m(name, NodeKind::kNeuron, "https://nest-simulator.readthedocs.io/en/stable/models/" + name + ".html");
  m.family = "rate";
  const bool neuron = flavor != Flavor::kTransformer;
  const bool ipn = flavor == Flavor::kIpn;
  const bool gauss = phi == Phi::kGauss;
  auto hidden = [&](int col, const char* n) { m.internal(col, std::string("_unused_") + n); };
  if (neuron)
    m.param(c_tau, "tau", 10.0, "ms", positive(), "Time constant of the rate dynamics");
  else
    hidden(c_tau, "tau");
  if (ipn)
    m.param(c_lambda, "lambda", 1.0, "", non_negative(), "Passive decay rate");
  else
    hidden(c_lambda, "lambda");
  if (gauss)
    m.param(c_sigma, "sigma", 0.0, "", {}, "Width of the Gaussian gain function (setting it also sets std)");
  else if (neuron)
    m.param(c_sigma, "sigma", 1.0, "", non_negative(), "Noise amplitude (also named std)");
  else
    hidden(c_sigma, "sigma");  // a transformer has no noise
  if (gauss)
    m.param(c_mu, "mu", 0.0, "", {}, "Centre of the Gaussian gain function (setting it also sets mean)");
  else if (neuron)
    m.param(c_mu, "mu", 0.0, "", {}, "Mean drive (also named mean)");
  else
    hidden(c_mu, "mu");
  if (neuron) {
    m.param(c_std, "std", 1.0, "", non_negative(), gauss ? "Noise amplitude" : "Noise amplitude (old name of sigma)");
    m.param(c_mean, "mean", 0.0, "", {}, gauss ? "Mean drive" : "Mean drive (old name of mu)");
  } else {
    hidden(c_std, "std");
    hidden(c_mean, "mean");
  }
  if (ipn)
    m.param(c_rectify_rate, "rectify_rate", 0.0, "", non_negative(), "Lower bound of the rate with rectify_output");
  else
    hidden(c_rectify_rate, "rectify_rate");
  m.flag(c_linsum, "linear_summation", true,
         "True: the nonlinearity acts on the summed input, else on each input rate");
  if (ipn)
    m.flag(c_rectify_out, "rectify_output", false, "Keep the rate at or above rectify_rate");
  else
    hidden(c_rectify_out, "rectify_output");
  if (neuron)
    m.flag(c_mult, "mult_coupling", false, "Multiplicative coupling (H_ex, H_in of the rate)");
  else
    hidden(c_mult, "mult_coupling");
  m.param(c_g, "g", 1.0, "", {}, "Gain of the nonlinearity");
  if (phi == Phi::kLin) {
    m.param(c_g_ex, "g_ex", 1.0, "", {}, "Gain of the excitatory multiplicative coupling");
    m.param(c_g_in, "g_in", 1.0, "", {}, "Gain of the inhibitory multiplicative coupling");
    m.param(c_theta_ex, "theta_ex", 0.0, "", {}, "Reversal rate of the excitatory multiplicative coupling");
    m.param(c_theta_in, "theta_in", 0.0, "", {}, "Reversal rate of the inhibitory multiplicative coupling");
  } else {
    hidden(c_g_ex, "g_ex");
    hidden(c_g_in, "g_in");
    hidden(c_theta_ex, "theta_ex");
    hidden(c_theta_in, "theta_in");
  }
  if (phi == Phi::kTanh || phi == Phi::kThresholdLin || phi == Phi::kSigmoid)
    m.param(c_theta, "theta", 0.0, "", {}, "Threshold of the nonlinearity");
  else
    hidden(c_theta, "theta");
  if (phi == Phi::kThresholdLin)
    m.param(c_alpha, "alpha", std::numeric_limits<double>::infinity(), "", {}, "Saturation of the nonlinearity");
  else
    hidden(c_alpha, "alpha");
  if (phi == Phi::kSigmoid)
    m.param(c_beta, "beta", 1.0, "", {}, "Slope of the sigmoid");
  else
    hidden(c_beta, "beta");
  m.state(c_rate, "rate", 0.0, "", "Rate");
  if (neuron)
    m.state(c_noise, "noise", 0.0, "", "Noise of the last step");
  else
    hidden(c_noise, "noise");
  if (flavor == Flavor::kOpn)
    m.state(c_noisy_rate, "noisy_rate", 0.0, "", "Rate with output noise, as sent");
  else
    hidden(c_noisy_rate, "noisy_rate");
  m.recordables = neuron ? std::vector<std::string>{"noise", "rate"} : std::vector<std::string>{"rate"};
  if (flavor == Flavor::kOpn) m.recordables = {"noise", "noisy_rate", "rate"};
  m.spike_receptors = {};
  m.current_receptors = {};
  m.accepts_current = false;
  m.emits_spikes = false;
  m.archiving = false;
  m.secondary_in = secondary_bit(Secondary::kInstantRate) | secondary_bit(Secondary::kDelayedRate);
  m.secondary_out = m.secondary_in;
  m.validate = [gauss, flavor, name](const ParamRow& row) { validate_rate(row, gauss, flavor, name); };
  const Kind kind{phi, flavor};
  m.archiving_params();
  m.make = [kind](const ModelInfo& info) { return std::make_unique<RatePopulation>(info, kind); };
  return m;
}

}  // namespace

void register_siegert(std::vector<const ModelInfo*>& out);  // siegert_neuron.cpp

void register_rate_family(std::vector<const ModelInfo*>& out) {
  static const std::vector<ModelInfo> models = [] {
    std::vector<ModelInfo> v;
    for (Phi p : {Phi::kLin, Phi::kTanh, Phi::kThresholdLin}) {
      v.push_back(make_rate(p, Flavor::kIpn));
      v.push_back(make_rate(p, Flavor::kOpn));
    }
    for (Phi p : {Phi::kSigmoid, Phi::kSigmoidGG1998, Phi::kGauss}) v.push_back(make_rate(p, Flavor::kIpn));
    for (Phi p : {Phi::kLin, Phi::kTanh, Phi::kThresholdLin, Phi::kSigmoid, Phi::kSigmoidGG1998, Phi::kGauss})
      v.push_back(make_rate(p, Flavor::kTransformer));
    return v;
  }();
  for (const ModelInfo& m : models) out.push_back(&m);
  register_siegert(out);
}

}  // namespace nestkit

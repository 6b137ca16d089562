// aeif_cond_alpha_multisynapse, aeif_cond_beta_multisynapse: AdEx neurons with
// any number of conductance-based synapses, one per receptor port 1..n, alpha-
// or beta-shaped, as NEST 3.10. The ODE state is V_m, w, then (dg, g) per
// receptor, integrated as one system of size 2 + 2n, zero-padded to the next
// instantiated size (padded_evolve.hpp). Nodes of up to 7 ports run on the
// lock-step lane stepper, one pass per padded size present in the block; nodes
// with more ports take the per-node scalar loop. Both evaluate one right-hand
// side, so a node's result does not depend on the path or on its neighbours.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "integrators/rkf45_lanes.hpp"
#include "models/neurons/aeif/aeif_common.hpp"
#include "models/neurons/aeif/models.hpp"
#include "models/neurons/iaf_cond/cond_common.hpp"
#include "models/neurons/misc_ode/padded_evolve.hpp"

namespace nestkit::aeif {
namespace {

enum class Kind { kAlpha, kBeta };

// Columns after the common ones.
enum Col : int { n_receptors = kCommonEnd, has_connections, kNumCols };

// A multimeter can name g_1 .. g_255: ports above 255 cannot be connected.
constexpr int kMaxRecordedReceptors = 255;
constexpr std::size_t kFixed = 2;  // V_m and w precede the receptor states
// Receptor ports of the largest system the lane stepper takes.
constexpr std::size_t kLaneReceptors = (misc_ode::kMaxLanePadded - kFixed) / 2;
constexpr std::size_t kNumPadded = std::size(misc_ode::kPaddedSizes);

const std::vector<double>& vec(const ParamRow& row, const char* name) {
  return std::get<std::vector<double>>(row.get(name));
}

// Runs advance() on the instantiated padded size, for the systems larger than
// the lane stepper takes (smaller ones never come here).
template <typename Rhs>
int advance_padded(std::size_t padded, const Rhs& f, const integrators::ErrorControl& c, double step, double& h,
                   double* y, long& r, const SpikeRule& s) {
  static_assert(misc_ode::kMaxLanePadded == 17, "scalar sizes start above the lane limit");
  switch (padded) {
    case 33:
      return advance<33, 0, 1>(f, c, step, h, y, r, s);
    case 65:
      return advance<65, 0, 1>(f, c, step, h, y, r, s);
    case 129:
      return advance<129, 0, 1>(f, c, step, h, y, r, s);
    case 257:
      return advance<257, 0, 1>(f, c, step, h, y, r, s);
    default:
      return advance<513, 0, 1>(f, c, step, h, y, r, s);
  }
}

template <Kind K>
class AeifCondMultisynapse final : public AeifPopulation {
 public:
  explicit AeifCondMultisynapse(const ModelInfo& info)
      : AeifPopulation(info),
        erev_col_(info.specs[info.index_of("E_rev")].column),
        rise_col_(info.specs[info.index_of(K == Kind::kAlpha ? "tau_syn" : "tau_rise")].column),
        decay_col_(info.specs[info.index_of(K == Kind::kAlpha ? "tau_syn" : "tau_decay")].column),
        idx_g_(info.index_of("g")),
        idx_dg_(info.index_of("dg")),
        idx_conn_(info.index_of("has_connections")) {}

  void prepare(const RunContext& rc) override {
    prepare_common(rc);
    std::size_t k_max = 0;
    g0_.resize(n_);
    size_index_.resize(n_);
    for (std::size_t i = 0; i < n_; ++i) {
      const std::size_t nr = receptors(i);
      if (kFixed + 2 * nr > misc_ode::kPaddedSizes[std::size(misc_ode::kPaddedSizes) - 1])
        throw BadProperty(model_name_ + ": too many receptor ports (" + std::to_string(nr) + ").");
      k_max = std::max(k_max, nr);
      // NEST resizes the state to the receptor count before each run: existing
      // receptors keep their state, new ones start at zero.
      syn_[i].resize(2 * nr, 0.0);
      size_index_[i] = static_cast<std::uint8_t>(size_index(kFixed + 2 * nr));
      g0_[i].resize(nr);
      for (std::size_t k = 0; k < nr; ++k)
        g0_[i][k] = K == Kind::kAlpha ? 1.0 * M_E / rise(i)[k] : iaf_cond::beta_normalization(rise(i)[k], decay(i)[k]);
      auto c = [&](int k) -> double& { return num_[k][i]; };
      c(V_peak_eff) = c(Delta_T) > 0.0 ? c(V_peak) : c(V_th);  // plain IAF threshold without the exponential
    }
    prepare_input(rc, 1 + static_cast<int>(k_max));
  }

  void update(StepContext& ctx, long from, long to, std::size_t begin, std::size_t end) override {
    // The padded sizes present in the block (bit k: kPaddedSizes[k]).
    unsigned sizes = 0;
    for (std::size_t i = begin; i < end; ++i) sizes |= 1u << size_index_[i];
    std::vector<double*> rows(static_cast<std::size_t>(channels_));
    const double res = ctx.grid->resolution();
    for (long lag = from; lag < to; ++lag) {
      const long step = ctx.slice_origin + lag;
      for (int ch = 0; ch < channels_; ++ch) rows[ch] = input_.row(ch, step);
      for (std::size_t k = 0; k < kNumPadded; ++k) {
        if (!(sizes & (1u << k))) continue;
        const std::size_t padded = misc_ode::kPaddedSizes[k];
        if (padded <= misc_ode::kMaxLanePadded) {
          auto make = [&]<int W>() { return LaneDriver<W>{*this, ctx, step, rows, k, padded}; };
          // GSL's yp control: a_y = 0, a_dydt = 1.
          misc_ode::evolve_population_padded(padded, make, 0.0, 1.0, res, begin, end);
        } else {
          for (std::size_t i = begin; i < end; ++i)
            if (size_index_[i] == k && num_[halted][i] == 0.0) step_node(ctx, i, step, rows);
        }
      }
      for (std::size_t ch = 0; ch < rows.size(); ++ch) std::fill(rows[ch] + begin, rows[ch] + end, 0.0);
      sample(step, begin, end);
    }
  }

  // Channel 0 carries currents, channel k the spikes for port k.
  void deliver_spikes(const SpikeBatch& b) override {
    for (std::size_t k = 0; k < b.count; ++k) {
      const uint32_t m = multiplicity(b, k);
      if (m == 0) continue;
      if (b.weight[k] < 0.0) {
        // NEST rejects the spike when it arrives; the kernel raises this after the slice.
        report_error("BadProperty in " + model_name_ +
                     ": Synaptic weights for conductance-based multisynapse models must be positive.");
        continue;
      }
      input_.add(b.receptor[k], b.stamp + b.delay[k] - 1, b.target[k] - first_gid_, b.weight[k] * b.weight_factor * m);
    }
  }
  void deliver_current(const CurrentBatch& b) override { deliver_current_to(b, 0); }

  // Recordables: 0 = V_m, 1 = w, 2 + k = g_{k+1}.
  double recordable(int k, std::size_t i) const override {
    if (k == 0) return num_[V_m][i];
    if (k == 1) return num_[w][i];
    const std::size_t j = 2 * static_cast<std::size_t>(k - 2) + 1;
    return j < syn_[i].size() ? syn_[i][j] : 0.0;
  }

  // Ports 1..len(E_rev); a spike connection forbids reducing their number.
  bool accepts_spike_port(std::size_t i, long receptor) const override {
    if (receptor < 1 || static_cast<std::size_t>(receptor) > receptors(i)) return false;
    connected_[i] = 1;
    return true;
  }
  std::string spike_ports(std::size_t i) const override {
    const std::size_t n = receptors(i);
    return n == 0 ? "none" : n == 1 ? "1" : "1.." + std::to_string(n);
  }

  bool has_recordable(std::size_t i, const std::string& name) const override {
    if (name == "V_m" || name == "w") return true;
    if (name.rfind("g_", 0) != 0) return false;
    const std::string digits = name.substr(2);
    if (digits.empty() || digits.size() > 4 || digits.find_first_not_of("0123456789") != std::string::npos)
      return false;
    const std::size_t k = std::stoul(digits);
    return k >= 1 && k <= receptors(i);
  }

  // NEST lists each node's recordables sorted by name.
  bool get_extra(std::size_t i, const std::string& key, Value& out) const override {
    if (key != "recordables") return false;
    std::vector<std::string> names = {"V_m", "w"};
    for (std::size_t k = 1; k <= std::min<std::size_t>(receptors(i), kMaxRecordedReceptors); ++k)
      names.push_back("g_" + std::to_string(k));
    std::sort(names.begin(), names.end());
    out = std::move(names);
    return true;
  }

 protected:
  void read_derived(std::size_t i, std::vector<Value>& row) const override {
    std::vector<double> g, dg;
    for (std::size_t j = 0; j + 1 < syn_[i].size(); j += 2) {
      dg.push_back(syn_[i][j]);
      g.push_back(syn_[i][j + 1]);
    }
    row[idx_g_] = std::move(g);
    row[idx_dg_] = std::move(dg);
    row[idx_conn_] = connected_[i] != 0;
  }
  void write_derived(std::size_t, const std::vector<Value>&) override {
    if (syn_.size() != n_) {  // first row written by init(): one receptor's state, as NEST's State_
      syn_.assign(n_, std::vector<double>(2, 0.0));
      connected_.assign(n_, 0);
    }
  }

 private:
  std::size_t receptors(std::size_t i) const { return std::get<std::vector<double>>(obj_[erev_col_][i]).size(); }
  const std::vector<double>& rise(std::size_t i) const { return std::get<std::vector<double>>(obj_[rise_col_][i]); }
  const std::vector<double>& decay(std::size_t i) const { return std::get<std::vector<double>>(obj_[decay_col_][i]); }
  const std::vector<double>& erev(std::size_t i) const { return std::get<std::vector<double>>(obj_[erev_col_][i]); }

  // The index in kPaddedSizes of the size a system of n variables is padded to
  // (prepare() has rejected systems above the largest).
  static std::size_t size_index(std::size_t n) {
    std::size_t k = 0;
    while (k + 1 < kNumPadded && misc_ode::kPaddedSizes[k] < n) ++k;
    return k;
  }

  // What the right-hand side reads besides y, per lane (T = lane vector) or for
  // one neuron (T = double). The receptor parameters are arrays of `k_cap`
  // entries; ports at and above a lane's `n_rec` are padding, and every lane
  // has at least `k_all` ports (the fewest that pad to the same size).
  template <class T>
  struct RhsParams {
    T V_peak, V_reset, g_L, C_m, E_L, Delta_T, tau_w, a, V_th, I_e, I_stim;
    T refractory;  // the refractory count, read live: a spike inside the step clamps the rest
    T n_rec;       // the node's receptor ports
    const T *E, *tau_rise, *tau_decay;
    std::size_t k_all, k_cap, padded;
  };

  // NEST's right-hand side, term by term in its order (bit-identical sums). A
  // lane's padded ports are left out of the sum (selected, not added as zero
  // terms, which could flip the sign of a zero sum) and get derivative 0, as
  // does the padding after the last port.
  template <class T>
  [[gnu::always_inline]] static void rhs(const RhsParams<T>& p, const T* s, T* d) {
    using namespace integrators;
    const auto is_refractory = p.refractory > 0.0;
    const T V = select(is_refractory, p.V_reset, lane_min(s[0], p.V_peak));
    const T w_ = s[1];
    T I_syn = splat<T>(0.0);
    for (std::size_t k = 0; k < p.k_all; ++k) I_syn = I_syn + s[kFixed + 2 * k + 1] * (p.E[k] - V);
    for (std::size_t k = p.k_all; k < p.k_cap; ++k)
      I_syn = select(p.n_rec > static_cast<double>(k), I_syn + s[kFixed + 2 * k + 1] * (p.E[k] - V), I_syn);
    const T I_spike = select(p.Delta_T == 0.0, splat<T>(0.0), p.Delta_T * p.g_L * lane_exp((V - p.V_th) / p.Delta_T));
    d[0] =
        select(is_refractory, splat<T>(0.0), (-p.g_L * (V - p.E_L) + I_spike + I_syn - w_ + p.I_e + p.I_stim) / p.C_m);
    d[1] = (p.a * (V - p.E_L) - w_) / p.tau_w;
    for (std::size_t k = 0; k < p.k_all; ++k) {
      const std::size_t j = kFixed + 2 * k;
      d[j] = -s[j] / p.tau_rise[k];
      d[j + 1] = s[j] - s[j + 1] / p.tau_decay[k];
    }
    for (std::size_t k = p.k_all; k < p.k_cap; ++k) {
      const auto on = p.n_rec > static_cast<double>(k);
      const std::size_t j = kFixed + 2 * k;
      d[j] = select(on, -s[j] / p.tau_rise[k], splat<T>(0.0));
      d[j + 1] = select(on, s[j] - s[j + 1] / p.tau_decay[k], splat<T>(0.0));
    }
    for (std::size_t j = kFixed + 2 * p.k_cap; j < p.padded; ++j) d[j] = splat<T>(0.0);
  }

  // The scalar parameters of node i (receptor arrays excluded).
  template <class T>
  void load_params(RhsParams<T>& p, int l, std::size_t i) const {
    auto c = [&](int k) { return num_[k][i]; };
    auto set = [&](T& x, double v) {
      if constexpr (integrators::LaneVector<T>)
        x[l] = v;
      else
        x = v;
    };
    set(p.V_peak, c(V_peak));
    set(p.V_reset, c(V_reset));
    set(p.g_L, c(g_L));
    set(p.C_m, c(C_m));
    set(p.E_L, c(E_L));
    set(p.Delta_T, c(Delta_T));
    set(p.tau_w, c(tau_w));
    set(p.a, c(a));
    set(p.V_th, c(V_th));
    set(p.I_e, c(I_e));
    set(p.I_stim, c(I_stim));
    set(p.refractory, static_cast<double>(static_cast<long>(c(r))));
    set(p.n_rec, static_cast<double>(receptors(i)));
  }

  SpikeRule spike_rule(std::size_t i) const {
    auto c = [&](int k) { return num_[k][i]; };
    return SpikeRule{c(V_reset), c(V_peak_eff), c(b), static_cast<long>(c(refr_counts))};
  }

  // Ends node i's simulation step: spikes (or the runaway guard), the
  // refractory count-down, this step's input, and the new state from y.
  void finish_node(StepContext& ctx, std::size_t i, long step, const std::vector<double*>& rows, int spikes, long refr,
                   double h, double* y) {
    const std::size_t nr = receptors(i);
    if (spikes < 0) {
      fail(i);
    } else {
      for (int s = 0; s < spikes; ++s) emit(ctx, i, step + 1);
      if (refr > 0) --refr;
      // Input of this step enters dg after the integration (NEST's order).
      for (std::size_t k = 0; k < nr; ++k) y[kFixed + 2 * k] += rows[k + 1][i] * g0_[i][k];
    }
    num_[h_int][i] = h;
    num_[r][i] = static_cast<double>(refr);
    num_[I_stim][i] = rows[0][i];
    num_[V_m][i] = y[0];
    num_[w][i] = y[1];
    std::copy(y + kFixed, y + kFixed + 2 * nr, syn_[i].begin());
  }

  // Connects the population to the lock-step stepper for one simulation step
  // and one padded size (nodes of other sizes are skipped).
  template <int W>
  struct LaneDriver {
    using V = typename integrators::Lanes<W>::V;
    AeifCondMultisynapse& pop;
    StepContext& ctx;
    long step;
    const std::vector<double*>& rows;
    std::size_t size_k, padded;
    RhsParams<V> p{};
    V E[kLaneReceptors]{}, tau_rise[kLaneReceptors]{}, tau_decay[kLaneReceptors]{};
    SpikeRule rule[W]{};
    long refr[W]{};
    int spikes[W]{};

    LaneDriver(AeifCondMultisynapse& pop_, StepContext& ctx_, long step_, const std::vector<double*>& rows_,
               std::size_t size_k_, std::size_t padded_)
        : pop(pop_), ctx(ctx_), step(step_), rows(rows_), size_k(size_k_), padded(padded_) {
      p.E = E;
      p.tau_rise = tau_rise;
      p.tau_decay = tau_decay;
      p.k_cap = (padded - kFixed) / 2;
      p.k_all = size_k == 0 ? 0 : (misc_ode::kPaddedSizes[size_k - 1] - kFixed) / 2 + 1;
      p.padded = padded;
    }
    // p points into this driver: no copies.
    LaneDriver(const LaneDriver&) = delete;
    LaneDriver& operator=(const LaneDriver&) = delete;

    bool load(int l, std::size_t i, V* y, integrators::LaneStart& s) {
      if (pop.size_index_[i] != size_k || pop.num_[halted][i] != 0.0) return false;
      auto c = [&](int k) { return pop.num_[k][i]; };
      pop.load_params(p, l, i);
      const std::vector<double>&E_i = pop.erev(i), &rise_i = pop.rise(i), &decay_i = pop.decay(i);
      const std::size_t nr = E_i.size();
      for (std::size_t k = 0; k < p.k_cap; ++k) {  // padded ports: harmless finite values, never used
        E[k][l] = k < nr ? E_i[k] : 0.0;
        tau_rise[k][l] = k < nr ? rise_i[k] : 1.0;
        tau_decay[k][l] = k < nr ? decay_i[k] : 1.0;
      }
      refr[l] = static_cast<long>(c(r));
      rule[l] = pop.spike_rule(i);
      spikes[l] = 0;
      y[0][l] = c(V_m);
      y[1][l] = c(w);
      const std::vector<double>& syn = pop.syn_[i];
      for (std::size_t j = 0; j < syn.size(); ++j) y[kFixed + j][l] = syn[j];
      for (std::size_t j = kFixed + syn.size(); j < padded; ++j) y[j][l] = 0.0;
      s = {c(h_int), c(tol_used), c(tol_used)};
      return true;
    }

    [[gnu::always_inline]] void rhs(const V&, const V* y, V* f) const { AeifCondMultisynapse::rhs<V>(p, y, f); }

    bool accepted(int l, V* y) {
      double v = y[0][l], w_ = y[1][l];
      const int outcome = after_accepted(v, w_, refr[l], rule[l]);
      y[0][l] = v;
      y[1][l] = w_;
      p.refractory[l] = static_cast<double>(refr[l]);
      if (outcome < 0) {
        spikes[l] = -1;
        return false;
      }
      spikes[l] += outcome;
      return true;
    }

    void finish(int l, std::size_t i, const V* y, double h) {
      double ys[misc_ode::kMaxLanePadded];
      for (std::size_t k = 0; k < padded; ++k) ys[k] = y[k][l];
      pop.finish_node(ctx, i, step, rows, spikes[l], refr[l], h, ys);
    }
  };

  // One simulation step of node i on its own (systems above the lane limit).
  void step_node(StepContext& ctx, std::size_t i, long step, const std::vector<double*>& rows) {
    const std::vector<double>& syn = syn_[i];
    const std::size_t dim = kFixed + syn.size();
    const std::size_t padded = misc_ode::kPaddedSizes[size_index_[i]];
    RhsParams<double> p{};
    load_params(p, 0, i);
    p.E = erev(i).data();
    p.tau_rise = rise(i).data();
    p.tau_decay = decay(i).data();
    p.k_all = p.k_cap = receptors(i);
    p.padded = padded;
    long refr = static_cast<long>(num_[r][i]);

    double y[513];
    y[0] = num_[V_m][i];
    y[1] = num_[w][i];
    std::copy(syn.begin(), syn.end(), y + kFixed);
    std::fill(y + dim, y + padded, 0.0);

    // The refractory count is read live: a spike inside the step clamps the rest.
    auto f = [&](double, const double* s, double* d) {
      p.refractory = static_cast<double>(refr);
      rhs<double>(p, s, d);
      return true;
    };
    double h = num_[h_int][i];
    const int spikes =
        advance_padded(padded, f, control(num_[tol_used][i]), ctx.grid->resolution(), h, y, refr, spike_rule(i));
    finish_node(ctx, i, step, rows, spikes, refr, h, y);
  }

  int erev_col_, rise_col_, decay_col_, idx_g_, idx_dg_, idx_conn_;
  std::vector<std::vector<double>> syn_;  // per node: (dg, g) per receptor
  std::vector<std::vector<double>> g0_;   // per node: dg jump per unit weight, per receptor
  std::vector<std::uint8_t> size_index_;  // per node: its padded size, as an index in kPaddedSizes
  // Set when a spike connection is checked, as NEST's handles_test_event does.
  mutable std::vector<char> connected_;
};

// NEST's checks of the receptor lists, made when any of them is given: a new
// port count needs all lists, the lists must agree in length, a connected node
// cannot lose ports, and time constants must be positive (beta: rise <= decay).
// Keeps n_receptors in step with the lists in the row being validated.
void check_receptors(const ParamRow& row, const std::string& model, bool beta) {
  const std::vector<const char*> names =
      beta ? std::vector<const char*>{"E_rev", "tau_rise", "tau_decay"} : std::vector<const char*>{"E_rev", "tau_syn"};
  bool any = false, all = true;
  for (const char* n : names) {
    const bool given = row.given(n);
    any = any || given;
    all = all && given;
  }
  if (!any) return;
  const std::size_t old_n = static_cast<std::size_t>(row.num("n_receptors"));
  bool resized = false;
  for (const char* n : names) resized = resized || vec(row, n).size() != old_n;
  if (resized && !all)
    throw BadProperty(model + (beta ? ": If the number of receptor ports is changed, all three arrays E_rev, "
                                      "tau_rise and tau_decay must be provided."
                                    : ": If the number of receptor ports is changed, both arrays E_rev and tau_syn "
                                      "must be provided."));
  const std::size_t n = vec(row, "E_rev").size();
  for (std::size_t k = 1; k < names.size(); ++k)
    if (vec(row, names[k]).size() != n)
      throw BadProperty(model + (beta ? ": The reversal potential, synaptic rise time and synaptic decay time arrays "
                                        "must have the same size."
                                      : ": The reversal potential, and synaptic time constant arrays must have the "
                                        "same size."));
  const auto& rise = vec(row, names[1]);
  const auto& decay = vec(row, names.back());
  if (rise.size() < old_n && row.num("has_connections") != 0.0)
    throw BadProperty(model + ": The neuron has connections, therefore the number of ports cannot be reduced.");
  for (std::size_t k = 0; k < rise.size(); ++k) {
    if (rise[k] <= 0.0 || decay[k] <= 0.0)
      throw BadProperty(model + ": All synaptic time constants must be strictly positive");
    if (beta && decay[k] < rise[k])
      throw BadProperty(model + ": Synaptic rise time must be smaller than or equal to decay time.");
  }
  const_cast<ParamRow&>(row).at("n_receptors") = static_cast<long>(n);
}

template <Kind K>
ModelInfo make_info(const char* name) {
  constexpr bool kBeta = K == Kind::kBeta;
  ModelInfo m(name, NodeKind::kNeuron,
              std::string("https://nest-simulator.readthedocs.io/en/stable/models/") + name + ".html");
  m.family = "aeif";
  declare_common(m, 0.0);
  m.integer(n_receptors, "n_receptors", 1, {}, "Number of receptor ports (len(E_rev))", Role::kReadOnly)
      .flag(has_connections, "has_connections", false,
            "Whether spike connections target the node (its port count can then not be reduced)");
  m.specs.back().role = Role::kReadOnly;
  m.object("E_rev", PType::kDoubleVec, std::vector<double>{0.0}, "mV", "Reversal potential of each receptor port");
  if constexpr (kBeta) {
    m.object("tau_rise", PType::kDoubleVec, std::vector<double>{2.0}, "ms", "Rise time of each synaptic conductance")
        .object("tau_decay", PType::kDoubleVec, std::vector<double>{20.0}, "ms",
                "Decay time of each synaptic conductance");
  } else {
    m.object("tau_syn", PType::kDoubleVec, std::vector<double>{2.0}, "ms",
             "Time constant of each synaptic conductance (alpha function)");
  }
  m.derived_state("g", 0.0, "nS", "Synaptic conductance of each receptor port");
  m.specs.back().type = PType::kDoubleVec;
  m.specs.back().default_value = std::vector<double>{0.0};
  m.specs.back().role = Role::kReadOnly;
  m.derived_state("dg", 0.0, "nS/ms", "Derivative-like state of each synaptic conductance");
  m.specs.back().type = PType::kDoubleVec;
  m.specs.back().default_value = std::vector<double>{0.0};
  m.specs.back().role = Role::kReadOnly;
  m.recordables = {"V_m", "w"};
  for (int k = 1; k <= kMaxRecordedReceptors; ++k) m.recordables.push_back("g_" + std::to_string(k));
  m.spike_receptors = {1};  // the default; each node accepts 1..len(E_rev)
  const std::string model = name;
  m.validate = [model](const ParamRow& row) {
    check_receptors(row, model, kBeta);
    check_spike_params(row, model, CheckOrder{true, false, "V_th"});
    check_rest(row, model, {"tau_w"});
  };
  m.archiving_params();
  m.make = [](const ModelInfo& info) { return std::make_unique<AeifCondMultisynapse<K>>(info); };
  return m;
}

}  // namespace

const ModelInfo& aeif_cond_alpha_multisynapse_model() {
  static const ModelInfo info = make_info<Kind::kAlpha>("aeif_cond_alpha_multisynapse");
  return info;
}
const ModelInfo& aeif_cond_beta_multisynapse_model() {
  static const ModelInfo info = make_info<Kind::kBeta>("aeif_cond_beta_multisynapse");
  return info;
}

}  // namespace nestkit::aeif

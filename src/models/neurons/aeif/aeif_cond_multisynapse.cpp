// aeif_cond_alpha_multisynapse, aeif_cond_beta_multisynapse: AdEx neurons with
// any number of conductance-based synapses, one per receptor port 1..n, alpha-
// or beta-shaped, as NEST 3.10. The ODE state is V_m, w, then (dg, g) per
// receptor, integrated as one system of size 2 + 2n.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

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

const std::vector<double>& vec(const ParamRow& row, const char* name) {
  return std::get<std::vector<double>>(row.get(name));
}

// Runs advance() on the instantiated padded size.
template <typename Rhs>
int advance_padded(std::size_t padded, const Rhs& f, const integrators::ErrorControl& c, double step, double& h,
                   double* y, long& r, const SpikeRule& s) {
  switch (padded) {
    case 3:
      return advance<3, 0, 1>(f, c, step, h, y, r, s);
    case 5:
      return advance<5, 0, 1>(f, c, step, h, y, r, s);
    case 7:
      return advance<7, 0, 1>(f, c, step, h, y, r, s);
    case 9:
      return advance<9, 0, 1>(f, c, step, h, y, r, s);
    case 13:
      return advance<13, 0, 1>(f, c, step, h, y, r, s);
    case 17:
      return advance<17, 0, 1>(f, c, step, h, y, r, s);
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
    for (std::size_t i = 0; i < n_; ++i) {
      const std::size_t nr = receptors(i);
      if (kFixed + 2 * nr > misc_ode::kPaddedSizes[std::size(misc_ode::kPaddedSizes) - 1])
        throw BadProperty(model_name_ + ": too many receptor ports (" + std::to_string(nr) + ").");
      k_max = std::max(k_max, nr);
      // NEST resizes the state to the receptor count before each run: existing
      // receptors keep their state, new ones start at zero.
      syn_[i].resize(2 * nr, 0.0);
      g0_[i].resize(nr);
      for (std::size_t k = 0; k < nr; ++k)
        g0_[i][k] = K == Kind::kAlpha ? 1.0 * M_E / rise(i)[k] : iaf_cond::beta_normalization(rise(i)[k], decay(i)[k]);
      auto c = [&](int k) -> double& { return num_[k][i]; };
      c(V_peak_eff) = c(Delta_T) > 0.0 ? c(V_peak) : c(V_th);  // plain IAF threshold without the exponential
    }
    prepare_channels(rc, 1 + static_cast<int>(k_max));
  }

  void update(StepContext& ctx, long from, long to, std::size_t begin, std::size_t end) override {
    std::vector<double*> rows;
    for (long lag = from; lag < to; ++lag) {
      const long step = ctx.slice_origin + lag;
      rows.resize(static_cast<std::size_t>(channels_));
      for (int ch = 0; ch < channels_; ++ch) rows[ch] = input_.row(ch, step);
      for (std::size_t i = begin; i < end; ++i) {
        if (num_[halted][i] == 0.0) step_node(ctx, i, step, rows);
        for (std::size_t ch = 0; ch < rows.size(); ++ch) rows[ch][i] = 0.0;
      }
      sample(step, begin, end);
    }
  }

  // Channel 0 carries currents, channel k the spikes for port k.
  void deliver_spikes(const SpikeBatch& b) override {
    for (std::size_t k = 0; k < b.count; ++k) {
      const uint32_t m = multiplicity(b, k);
      if (m == 0) continue;
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

  // Sizes the input ring; input already queued survives a change of port count.
  void prepare_channels(const RunContext& rc, int channels) {
    if (input_.ring_size() == rc.ring_size && channels_ == channels) return;
    InputRing next;
    next.resize(channels, n_, rc.ring_size);
    if (input_.ring_size() == rc.ring_size)
      for (int ch = 0; ch < std::min(channels, channels_); ++ch)
        for (long s = 0; s < rc.ring_size; ++s) std::memcpy(next.row(ch, s), input_.row(ch, s), n_ * sizeof(double));
    input_ = std::move(next);
    channels_ = channels;
  }

  void step_node(StepContext& ctx, std::size_t i, long step, const std::vector<double*>& rows) {
    auto c = [&](int k) { return num_[k][i]; };
    const double p_V_peak = c(V_peak), p_V_reset = c(V_reset), p_g_L = c(g_L), p_C_m = c(C_m), p_E_L = c(E_L);
    const double p_Delta_T = c(Delta_T), p_tau_w = c(tau_w), p_a = c(a), p_V_th = c(V_th), p_I_e = c(I_e);
    const double I_stim_now = c(I_stim);
    const std::vector<double>&E = erev(i), &t_rise = rise(i), &t_decay = decay(i);
    std::vector<double>& syn = syn_[i];
    const std::size_t nr = E.size(), dim = kFixed + 2 * nr;
    const std::size_t padded = misc_ode::padded_size(dim);
    long refr = static_cast<long>(c(r));

    double y[513];
    y[0] = c(V_m);
    y[1] = c(w);
    std::copy(syn.begin(), syn.end(), y + kFixed);
    std::fill(y + dim, y + padded, 0.0);

    // NEST's right-hand side, term by term in its order (bit-identical sums).
    // The refractory count is read live: a spike inside the step clamps the rest.
    auto f = [&](double, const double* s, double* d) {
      const bool is_refractory = refr > 0;
      const double V = is_refractory ? p_V_reset : std::min(s[0], p_V_peak);
      const double w_ = s[1];
      double I_syn = 0.0;
      for (std::size_t k = 0; k < nr; ++k) I_syn += s[kFixed + 2 * k + 1] * (E[k] - V);
      const double I_spike = p_Delta_T == 0. ? 0. : (p_Delta_T * p_g_L * std::exp((V - p_V_th) / p_Delta_T));
      d[0] = is_refractory ? 0. : (-p_g_L * (V - p_E_L) + I_spike + I_syn - w_ + p_I_e + I_stim_now) / p_C_m;
      d[1] = (p_a * (V - p_E_L) - w_) / p_tau_w;
      for (std::size_t k = 0; k < nr; ++k) {
        const std::size_t j = kFixed + 2 * k;
        d[j] = -s[j] / t_rise[k];
        d[j + 1] = s[j] - s[j + 1] / t_decay[k];
      }
      for (std::size_t j = dim; j < padded; ++j) d[j] = 0.0;  // padding stays zero
      return true;
    };

    const SpikeRule rule{p_V_reset, c(V_peak_eff), c(b), static_cast<long>(c(refr_counts))};
    double h = c(h_int);
    const int spikes = advance_padded(padded, f, control(c(tol_used)), ctx.grid->resolution(), h, y, refr, rule);
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
    std::copy(y + kFixed, y + dim, syn.begin());
  }

  int erev_col_, rise_col_, decay_col_, idx_g_, idx_dg_, idx_conn_;
  std::vector<std::vector<double>> syn_;  // per node: (dg, g) per receptor
  std::vector<std::vector<double>> g0_;   // per node: dg jump per unit weight, per receptor
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

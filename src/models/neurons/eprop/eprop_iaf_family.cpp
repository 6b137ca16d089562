// The recurrent e-prop neurons of NEST 3.10: eprop_iaf, eprop_iaf_adapt,
// eprop_iaf_psc_delta and eprop_iaf_psc_delta_adapt. Per step, with v relative to
// E_L, P_v_m = exp(-h / tau_m) and P_i_in = tau_m / C_m (1 - P_v_m):
//   eprop_iaf(_adapt):        v <- P_i_in i_in + z_in + P_v_m v (i_in includes I_e),
//                             a spike (v >= threshold, not refractory) subtracts V_th;
//   eprop_iaf_psc_delta(_adapt): only outside the refractory period
//                             v <- P_i_in (i_in + I_e) + P_v_m v + z_in (input during
//                             it is dropped, or with refractory_input decayed and added
//                             at its end); a spike (v >= threshold) resets v to V_reset;
// both with v >= V_min. The adaptive models raise the threshold after each spike:
//   a <- exp(-h / adapt_tau) a + z_previous,  threshold = V_th + adapt_beta a
// (the psc_delta variant only outside the refractory period). The surrogate gradient
// psi(r, v, threshold) is taken before the spike check. The node writes psi and the
// firing-rate regularisation c_reg (f_av - f_target h), f_av <- kappa_reg f_av +
// (1 - kappa_reg) z / h, to its e-prop history; the readouts' learning signals land two
// steps back in the history, and the learning_signal recordable reads that entry.
// Flush events (flush_event_send_interval) only free memory in NEST and are not sent
// here: weights do not depend on them.
#include <cmath>
#include <limits>

#include "models/neurons/eprop/eprop_common.hpp"
#include "models/neurons/eprop/eprop_models.hpp"

namespace nestkit {
namespace {

enum class Variant { kIaf, kIafAdapt, kPscDelta, kPscDeltaAdapt };
constexpr bool is_adaptive(Variant k) { return k == Variant::kIafAdapt || k == Variant::kPscDeltaAdapt; }
constexpr bool is_psc_delta(Variant k) { return k == Variant::kPscDelta || k == Variant::kPscDeltaAdapt; }

// clang-format off
enum Col : int {
  // parameters of all variants
  C_m, c_reg, E_L, f_target, I_e, surrogate_gradient_height, surrogate_gradient_width, t_ref, tau_m, V_min, V_th,
  kappa, kappa_reg, eprop_isi_trace_cutoff, flush_event_send_interval, ignore_and_spike, ignore_and_spike_offset,
  ignore_and_spike_interval,
  // parameters of the adaptive variants, and of the psc_delta variants (internal elsewhere)
  adapt_beta, adapt_tau, V_reset, refractory_input,
  // state shown to users (adaptation: adaptive variants only)
  learning_signal, surrogate_gradient, adaptation,
  // state: v relative to E_L, input current, refractory steps left, filtered rate,
  // ignore-and-spike countdown and its offset, last step's spike, adaptive threshold
  // (relative), the adaptation last set, input saved while refractory, the step of the last
  // spike or flush event (0: none yet)
  v, i_in, r, f_av, isp_until, isp_offset_seen, z_last, v_th_adapt, adaptation_seen, refr_buffer, last_event,
  // constants derived before each run
  P_v_m, P_i_in, P_adapt, theta, lower, reset, refractory_steps, isp_interval_steps, flush_steps, surrogate_code,
};
// clang-format on
enum Obj : int { kSurrogateFunction };

constexpr eprop::RecurrentColumns kColumns{
    E_L,        V_th, adapt_beta, ignore_and_spike_offset, learning_signal, surrogate_gradient,
    adaptation, v,    v_th_adapt, adaptation_seen,         isp_until,       isp_offset_seen};

EpropArchive::Kind archive_kind(Variant k) {
  switch (k) {
    case Variant::kIaf:
      return EpropArchive::Kind::kRecurrent;
    case Variant::kIafAdapt:
      return EpropArchive::Kind::kRecurrentAdapt;
    case Variant::kPscDelta:
      return EpropArchive::Kind::kRecurrentDelta;
    default:
      return EpropArchive::Kind::kRecurrentDeltaAdapt;
  }
}

template <Variant K>
class EpropIaf final : public eprop::RecurrentPopulation<is_adaptive(K)> {
  static constexpr bool kAdapt = is_adaptive(K);
  static constexpr bool kDelta = is_psc_delta(K);
  using Base = eprop::RecurrentPopulation<kAdapt>;
  using Base::archive_, Base::col, Base::emit, Base::h_, Base::input_, Base::model_name_, Base::n_, Base::num_,
      Base::obj_, Base::prepare_input, Base::report_archive_errors, Base::sample;
  using Base::kChannels, Base::kCurrent, Base::kSpikes;

 public:
  // The readouts' learning signals land two steps before the event's stamp.
  explicit EpropIaf(const ModelInfo& info) : Base(info, archive_kind(K), kColumns, 2) {}

  void prepare(const RunContext& rc) override {
    prepare_input(rc, kChannels);
    h_ = rc.grid->resolution();
    archive_->resize(n_);
    for (std::size_t i = 0; i < n_; ++i) {
      auto c = [&](int k) -> double& { return num_[k][i]; };
      c(P_v_m) = std::exp(-h_ / c(tau_m));
      c(P_i_in) = c(tau_m) / c(C_m) * (1.0 - c(P_v_m));
      c(P_adapt) = kAdapt ? std::exp(-h_ / c(adapt_tau)) : 0.0;
      c(theta) = c(V_th) - c(E_L);
      c(lower) = c(V_min) - c(E_L);
      c(reset) = c(V_reset) - c(E_L);
      c(refractory_steps) = static_cast<double>(rc.grid->ms_to_steps(c(t_ref)));
      c(isp_interval_steps) = static_cast<double>(rc.grid->ms_to_steps(c(ignore_and_spike_interval)));
      c(flush_steps) = static_cast<double>(eprop::cutoff_steps(*rc.grid, c(flush_event_send_interval)));
      if (c(isp_until) < 0.0) c(isp_until) = static_cast<double>(rc.grid->ms_to_steps(c(ignore_and_spike_offset)));
      c(surrogate_code) = static_cast<double>(
          eprop::surrogate_by_name(model_name_, std::get<std::string>(obj_[kSurrogateFunction][i])));
      EpropNodeConstants& k = archive_->constants(i);
      k.P_v_m = c(P_v_m);
      k.kappa = c(kappa);
      k.kappa_reg = c(kappa_reg);
      k.P_adapt = c(P_adapt);
      k.adapt_beta = kAdapt ? c(adapt_beta) : 0.0;
      k.cutoff = eprop::cutoff_steps(*rc.grid, c(eprop_isi_trace_cutoff));
    }
  }

  void update(StepContext& ctx, long from, long to, std::size_t begin, std::size_t end) override {
    report_archive_errors();
    double *V = col(v), *I = col(i_in), *R = col(r), *F = col(f_av), *until = col(isp_until);
    double *L = col(learning_signal), *psi = col(surrogate_gradient), *A = col(adaptation);
    double *Z = col(z_last), *VTA = col(v_th_adapt), *buf = col(refr_buffer);
    const double *pv = col(P_v_m), *pi = col(P_i_in), *pa = col(P_adapt), *th = col(theta), *lo = col(lower);
    const double *ie = col(I_e), *rs = col(reset), *beta = col(adapt_beta), *tm = col(tau_m);
    const double *hgt = col(surrogate_gradient_height), *wid = col(surrogate_gradient_width);
    const double *refr = col(refractory_steps), *code = col(surrogate_code), *forced = col(ignore_and_spike);
    const double *interval = col(isp_interval_steps), *kreg = col(kappa_reg), *creg = col(c_reg);
    const double *ftarget = col(f_target), *with_refr = col(refractory_input), *flush_every = col(flush_steps);
    double* last = col(last_event);
    for (long lag = from; lag < to; ++lag) {
      const long step = ctx.slice_origin + lag;
      double* in_spk = input_.row(kSpikes, step);
      double* in_cur = input_.row(kCurrent, step);
      for (std::size_t i = begin; i < end; ++i) {
        if constexpr (kDelta) {
          if (R[i] == 0.0) {
            V[i] = pi[i] * (I[i] + ie[i]) + pv[i] * V[i] + in_spk[i];
            if (with_refr[i] != 0.0 && buf[i] != 0.0) {
              V[i] += buf[i];
              buf[i] = 0.0;
            }
            V[i] = std::max(V[i], lo[i]);
            if constexpr (kAdapt) {
              A[i] = pa[i] * A[i] + Z[i];
              VTA[i] = th[i] + beta[i] * A[i];
            }
          } else {
            // Input during refractoriness, decayed to the end of the refractory period.
            if (with_refr[i] != 0.0) buf[i] += in_spk[i] * std::exp(-R[i] * h_ / tm[i]);
            R[i] -= 1.0;
          }
        } else {
          if (R[i] > 0.0) R[i] -= 1.0;
          V[i] = pi[i] * I[i] + in_spk[i] + pv[i] * V[i];
          V[i] = std::max(V[i], lo[i]);
          if constexpr (kAdapt) {
            A[i] = pa[i] * A[i] + Z[i];
            VTA[i] = th[i] + beta[i] * A[i];
          }
        }
        const double threshold = kAdapt ? VTA[i] : th[i];
        psi[i] =
            eprop::surrogate_gradient(static_cast<eprop::Surrogate>(code[i]), R[i], V[i], threshold, hgt[i], wid[i]);
        bool spike;
        if (forced[i] != 0.0) {
          until[i] -= 1.0;
          spike = until[i] == 0.0;
          if (spike) until[i] = interval[i];
        } else {
          spike = V[i] >= threshold && (kDelta || R[i] == 0.0);
        }
        double z = 0.0;
        if (spike) {
          emit(ctx, i, step + 1);
          z = 1.0;
          if constexpr (kDelta)
            V[i] = rs[i];
          else
            V[i] -= th[i] * z;
          R[i] = refr[i];
          last[i] = static_cast<double>(step);
        } else if (last[i] > 0.0 && static_cast<double>(step) - last[i] >= flush_every[i]) {
          // Silent for flush_event_send_interval since the last spike or flush event.
          ctx.spikes->push_back(EmittedSpike::marker(this->first_gid_ + static_cast<uint32_t>(i), step + 1));
          last[i] = static_cast<double>(step);
        }
        Z[i] = z;
        if (EpropEntry* e = archive_->append(i, step)) {
          e->signal = psi[i];
          F[i] = kreg[i] * F[i] + (1.0 - kreg[i]) * z / h_;
          e->firing_rate_reg = creg[i] * (F[i] - ftarget[i] * h_);
        }
        // The learning signal for this step's update arrives two steps later.
        L[i] = archive_->recording(i) ? archive_->learning_signal(i, step - 2) : 0.0;
        I[i] = kDelta ? in_cur[i] : in_cur[i] + ie[i];
        in_spk[i] = in_cur[i] = 0.0;
      }
      sample(step, begin, end);
    }
  }
};

template <Variant K>
ModelInfo make_info(const std::string& name) {
  constexpr bool kAdapt = is_adaptive(K);
  constexpr bool kDelta = is_psc_delta(K);
  ModelInfo m(name, NodeKind::kNeuron, "https://nest-simulator.readthedocs.io/en/stable/models/" + name + ".html");
  m.family = "eprop";
  m.archiving = false;  // an e-prop history, not NEST's ArchivingNode: STDP synapses are refused
  m.param(C_m, "C_m", 250.0, "pF", positive(), "Capacitance of the membrane")
      .param(c_reg, "c_reg", 0.0, "", non_negative(), "Coefficient of firing rate regularization")
      .param(E_L, "E_L", -70.0, "mV", {}, "Leak / resting membrane potential")
      .param(f_target, "f_target", 0.01, "", non_negative(),
             "Target firing rate of rate regularization (set in spikes/s, shown in spikes/ms as NEST)")
      .param(I_e, "I_e", 0.0, "pA", {}, "Constant external input current")
      .param(surrogate_gradient_height, "surrogate_gradient_height", 0.3, "", positive(),
             "Height of the surrogate gradient")
      .param(surrogate_gradient_width, "surrogate_gradient_width", 1.0, "", positive(),
             "Width of the surrogate gradient")
      .param(t_ref, "t_ref", 2.0, "ms", non_negative(), "Duration of the refractory period")
      .param(tau_m, "tau_m", 10.0, "ms", positive(), "Time constant of the membrane")
      .param(V_min, "V_min", -std::numeric_limits<double>::max(), "mV", {}, "Absolute lower bound of the membrane")
      .param(V_th, "V_th", -55.0, "mV", {}, "Spike threshold voltage")
      .param(kappa, "kappa", 0.97, "", in_range(0.0, 1.0), "Low-pass filter of the eligibility trace")
      .param(kappa_reg, "kappa_reg", 0.97, "", in_range(0.0, 1.0),
             "Low-pass filter of the firing rate for regularization")
      .param(eprop_isi_trace_cutoff, "eprop_isi_trace_cutoff", std::numeric_limits<double>::infinity(), "ms",
             non_negative(), "Cutoff of the e-prop trace integration after a spike")
      .param(flush_event_send_interval, "flush_event_send_interval", std::numeric_limits<double>::infinity(), "ms",
             positive(),
             "Silence after which a flush event lets the outgoing e-prop synapses integrate and free history")
      .flag(ignore_and_spike, "ignore_and_spike", false, "Spike at fixed intervals, ignoring the dynamics")
      .param(ignore_and_spike_offset, "ignore_and_spike_offset", 1.0, "ms", positive(),
             "Time of the first forced spike")
      .param(ignore_and_spike_interval, "ignore_and_spike_interval", 100.0, "ms", positive(),
             "Interval between forced spikes");
  if (kAdapt)
    m.param(adapt_beta, "adapt_beta", 1.0, "", non_negative(), "Prefactor of the threshold adaptation")
        .param(adapt_tau, "adapt_tau", 10.0, "ms", positive(), "Time constant of the threshold adaptation");
  else
    m.internal(adapt_beta, "_adapt_beta").internal(adapt_tau, "_adapt_tau");
  if (kDelta)
    m.param(V_reset, "V_reset", -70.0, "mV", {}, "Reset voltage")
        .flag(refractory_input, "refractory_input", false,
              "Integrate spikes that arrive during the refractory period once it ends");
  else
    m.internal(V_reset, "_V_reset").internal(refractory_input, "_refractory_input");
  eprop::declare_recurrent_state(m, kAdapt, kColumns, v, surrogate_code);
  m.validate = [name](const ParamRow& row) {
    eprop::validate_recurrent(name, row);
    restart_forced_spikes_if_given(row, isp_offset_seen);
    if (kDelta) {
      if (row.num("V_reset") >= row.num("V_th")) throw BadProperty(name + ": V_reset < V_th required.");
      if (row.num("V_reset") < row.num("V_min")) throw BadProperty(name + ": V_reset >= V_min required.");
    }
  };
  m.make = [](const ModelInfo& info) { return std::make_unique<EpropIaf<K>>(info); };
  return m;
}

}  // namespace

const ModelInfo& eprop_iaf_model() {
  static const ModelInfo info = make_info<Variant::kIaf>("eprop_iaf");
  return info;
}
const ModelInfo& eprop_iaf_adapt_model() {
  static const ModelInfo info = make_info<Variant::kIafAdapt>("eprop_iaf_adapt");
  return info;
}
const ModelInfo& eprop_iaf_psc_delta_model() {
  static const ModelInfo info = make_info<Variant::kPscDelta>("eprop_iaf_psc_delta");
  return info;
}
const ModelInfo& eprop_iaf_psc_delta_adapt_model() {
  static const ModelInfo info = make_info<Variant::kPscDeltaAdapt>("eprop_iaf_psc_delta_adapt");
  return info;
}

}  // namespace nestkit

#pragma once
// The update of NEST 3.10's current-based GLIF models (Teeter et al. 2018, GLIF 1-5)
// with alpha-shaped synaptic currents on ports 1..n. glif_psc_double_alpha adds, on
// every port, a second (slow) alpha current driven by the same input.
//
// Lists whose length varies per node (receptor states, after-spike currents) live
// in padded arrays: node i's entries start at i * stride, and the stride is the
// largest count in the population. It only grows, so no per-node allocation.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "integrators/iaf_propagator.hpp"
#include "models/neurons/glif/glif_psc_schema.hpp"
#include "models/neurons/neuron_base.hpp"

namespace nestkit::glif {

// One alpha-shaped current per port: y1 is the derivative-like state, y2 the current.
struct AlphaBank {
  std::vector<double> y1, y2, p11, p21, p31, p32, psc0;

  // Copies the state of the first min(old, new) ports of every node into the new layout.
  void relayout(std::size_t n, std::size_t old_stride, const std::vector<uint32_t>& old_count, std::size_t stride,
                const std::vector<uint32_t>& count) {
    std::vector<double> n1(n * stride, 0.0), n2(n * stride, 0.0);
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t keep = old_count.empty() ? 0 : std::min(old_count[i], count[i]);
      for (std::size_t r = 0; r < keep; ++r) {
        n1[i * stride + r] = y1[i * old_stride + r];
        n2[i * stride + r] = y2[i * old_stride + r];
      }
    }
    y1.swap(n1);
    y2.swap(n2);
    for (auto* v : {&p11, &p21, &p31, &p32, &psc0}) v->assign(n * stride, 0.0);
  }

  void set(std::size_t k, double tau, double tau_m, double c_m, double h, double amplitude) {
    p11[k] = std::exp(-h / tau);
    p21[k] = h * p11[k];
    std::tie(p31[k], p32[k]) = integrators::IafPropagator(tau, tau_m, c_m).alpha(h);
    psc0[k] = M_E / tau * amplitude;  // weight 1 gives a peak of `amplitude` pA at t = tau
  }

  void propagate(std::size_t k, double input) {
    y2[k] = p21[k] * y1[k] + p11[k] * y2[k];
    y1[k] = y1[k] * p11[k] + psc0[k] * input;
  }
};

template <bool kDoubleAlpha>
class GlifPscPopulation final : public NeuronPopulation {
 public:
  using NeuronPopulation::NeuronPopulation;

  void prepare(const RunContext& rc) override {
    const double h = rc.grid->resolution();
    layout_ports();
    prepare_ring(rc);
    for (std::size_t i = 0; i < n_; ++i) {
      auto c = [&](int k) -> double& { return num_[k][i]; };
      const double tau_m = c(C_m) / c(g);
      c(P33) = std::exp(-h / tau_m);
      c(P30) = 1.0 / c(C_m) * (1.0 - c(P33)) * tau_m;
      c(th_inf) = c(V_th) - c(E_L);
      c(reset) = c(V_reset) - c(E_L);
      c(spike_decay) = std::exp(-c(th_spike_decay) * h);
      // Threshold and after-spike currents are frozen while refractory; the decay over
      // t_ref (in ms, not rounded to steps) is applied at the spike instead.
      c(spike_refr_decay) = std::exp(-c(th_spike_decay) * c(t_ref));
      c(potential_decay) = std::exp(-c(g) * h / c(C_m));
      c(voltage_decay_inv) = 1.0 / std::exp(c(th_voltage_decay) * h);
      c(phi) = c(th_voltage_index) / (c(th_voltage_decay) - c(g) / c(C_m));
      c(ab_ratio) = c(th_voltage_index) / c(th_voltage_decay);
      c(refr_counts) = static_cast<double>(rc.grid->ms_to_steps(c(t_ref)));
      prepare_ports(i, h, tau_m);
      prepare_asc(i, h);
    }
  }

  void update(StepContext& ctx, long from, long to, std::size_t begin, std::size_t end) override {
    double *u = col(U), *i_ext = col(I), *i_syn = col(I_syn), *asum = col(asc_sum), *thr = col(threshold);
    double *refr_left = col(refr), *th_s = col(threshold_spike), *th_v = col(threshold_voltage);
    const double *p33 = col(P33), *p30 = col(P30), *thinf = col(th_inf), *rst = col(reset), *sd = col(spike_decay);
    const double *srd = col(spike_refr_decay), *pd = col(potential_decay), *vdi = col(voltage_decay_inv);
    const double *ph = col(phi), *abr = col(ab_ratio), *nref = col(refr_counts), *gg = col(g);
    const double *has_s = col(spike_dependent_threshold), *has_a = col(after_spike_currents);
    const double *has_v = col(adapting_threshold), *fv = col(voltage_reset_fraction);
    const double *vadd = col(voltage_reset_add), *tsa = col(th_spike_add);
    std::vector<double*> port_in(stride_);
    for (long lag = from; lag < to; ++lag) {
      const long step = ctx.slice_origin + lag;
      double* in_cur = input_.row(0, step);
      for (std::size_t r = 0; r < stride_; ++r) port_in[r] = input_.row(static_cast<int>(r) + 1, step);
      for (std::size_t i = begin; i < end; ++i) {
        const double v_old = u[i];
        const std::size_t pb = i * stride_, np = ports_[i];
        if (refr_left[i] == 0.0) {
          if (has_s[i] != 0.0) th_s[i] *= sd[i];
          // Exact mean of each after-spike current over the step, then its decay.
          double sum = 0.0;
          if (has_a[i] != 0.0) {
            const std::size_t ab = i * asc_stride_;
            for (std::size_t a = 0; a < asc_count_[i]; ++a) {
              sum += asc_stable_[ab + a] * asc_[ab + a];
              asc_[ab + a] *= asc_rate_[ab + a];
            }
          }
          asum[i] = sum;
          double v = v_old * p33[i] + (i_ext[i] + sum) * p30[i];
          double fast = 0.0;
          for (std::size_t r = 0; r < np; ++r) {
            v += fast_.p31[pb + r] * fast_.y1[pb + r] + fast_.p32[pb + r] * fast_.y2[pb + r];
            fast += fast_.y2[pb + r];
          }
          if constexpr (kDoubleAlpha) {
            double slow = 0.0;
            for (std::size_t r = 0; r < np; ++r) {
              v += slow_.p31[pb + r] * slow_.y1[pb + r] + slow_.p32[pb + r] * slow_.y2[pb + r];
              slow += slow_.y2[pb + r];
            }
            fast += slow;
          }
          u[i] = v;
          i_syn[i] = fast;
          if (has_v[i] != 0.0) {
            // Exact solution of the threshold component driven by V, with the
            // membrane's constant drive beta = (I + ASC) / g over the step.
            const double beta = (i_ext[i] + sum) / gg[i];
            const double x = ph[i] * (v_old - beta);
            th_v[i] = x * pd[i] + vdi[i] * (th_v[i] - x - abr[i] * beta) + abr[i] * beta;
          }
          thr[i] = th_s[i] + th_v[i] + thinf[i];
          if (u[i] > thr[i]) {
            refr_left[i] = nref[i];
            if (has_a[i] != 0.0) {
              const std::size_t ab = i * asc_stride_;
              for (std::size_t a = 0; a < asc_count_[i]; ++a)
                asc_[ab + a] = asc_amp_[ab + a] + asc_[ab + a] * asc_refr_[ab + a];
            }
            if (has_s[i] == 0.0) {
              u[i] = rst[i];
            } else {
              u[i] = fv[i] * v_old + vadd[i];
              th_s[i] = th_s[i] * srd[i] + tsa[i];
              thr[i] = th_s[i] + th_v[i] + thinf[i];
            }
            emit(ctx, i, step + 1);
          }
        } else {
          refr_left[i] -= 1.0;  // V, ASC and threshold components stay frozen
          thr[i] = th_s[i] + th_v[i] + thinf[i];
        }
        for (std::size_t r = 0; r < np; ++r) {
          const double in = port_in[r][i];
          fast_.propagate(pb + r, in);
          if constexpr (kDoubleAlpha) slow_.propagate(pb + r, in);
          port_in[r][i] = 0.0;
        }
        i_ext[i] = in_cur[i];
        in_cur[i] = 0.0;
      }
      sample(step, begin, end);
    }
  }

  void deliver_spikes(const SpikeBatch& b) override {
    for (std::size_t k = 0; k < b.count; ++k) {
      const uint32_t m = multiplicity(b, k);
      if (m == 0) continue;
      input_.add(b.receptor[k], b.stamp + b.delay[k] - 1, b.target[k] - first_gid_, b.weight[k] * b.weight_factor * m);
    }
  }
  void deliver_current(const CurrentBatch& b) override { deliver_current_to(b, 0); }

  double recordable(int k, std::size_t i) const override {
    switch (k) {
      case 0:
        return num_[asc_sum][i];
      case 1:
        return num_[I][i];
      case 2:
        return num_[I_syn][i];
      case 3:
        return num_[U][i] + num_[E_L][i];
      case 4:
        return num_[threshold][i] + num_[E_L][i];
      case 5:
        return num_[threshold_spike][i];
      default:
        return num_[threshold_voltage][i];
    }
  }

  // Ports 1..n, n the length of tau_syn (tau_syn_fast); a spike connection fixes n.
  bool accepts_spike_port(std::size_t i, long receptor) const override {
    if (receptor < 1 || static_cast<std::size_t>(receptor) > port_list(i).size()) return false;
    connected_[i] = 1;
    return true;
  }
  std::string spike_ports(std::size_t i) const override {
    const std::size_t n = port_list(i).size();
    return n == 0 ? "none" : n == 1 ? "1" : "1.." + std::to_string(n);
  }

 protected:
  void read_derived(std::size_t i, std::vector<Value>& row) const override {
    row[info_->index_of("V_m")] = num_[U][i] + num_[E_L][i];
    const auto* a = asc_.data() + i * asc_stride_;
    row[info_->index_of("ASCurrents")] = std::vector<double>(a, a + asc_count_[i]);
    row[info_->index_of("has_connections")] = connected_[i] != 0;
    row[info_->index_of("_ports_before")] = static_cast<double>(port_list(i).size());
  }

  void write_derived(std::size_t i, const std::vector<Value>& row) override {
    if (connected_.size() != n_) {  // first row written by init()
      connected_.assign(n_, 0);
      asc_count_.assign(n_, 0);
    }
    num_[U][i] = std::get<double>(row[info_->index_of("V_m")]) - num_[E_L][i];
    const auto& a = std::get<std::vector<double>>(row[info_->index_of("ASCurrents")]);
    if (a.size() > asc_stride_ || asc_.size() != n_ * asc_stride_) restride_asc(std::max(a.size(), asc_stride_));
    std::fill_n(asc_.begin() + i * asc_stride_, asc_stride_, 0.0);
    std::copy(a.begin(), a.end(), asc_.begin() + i * asc_stride_);
    asc_count_[i] = static_cast<uint32_t>(a.size());
  }

 private:
  const std::vector<double>& port_list(std::size_t i) const { return std::get<std::vector<double>>(obj_[kTauSyn][i]); }
  const std::vector<double>& list(int c, std::size_t i) const { return std::get<std::vector<double>>(obj_[c][i]); }

  void restride_asc(std::size_t stride) {
    std::vector<double> next(n_ * stride, 0.0);
    for (std::size_t i = 0; i < n_ && !asc_.empty(); ++i)
      for (std::size_t a = 0; a < asc_count_[i]; ++a) next[i * stride + a] = asc_[i * asc_stride_ + a];
    asc_.swap(next);
    asc_stride_ = stride;
  }

  // Sizes the port arrays for the current tau lists, keeping each port's state
  // (a port dropped and re-added starts from zero, like NEST's vector resize).
  void layout_ports() {
    std::vector<uint32_t> count(n_);
    std::size_t stride = stride_;
    for (std::size_t i = 0; i < n_; ++i) {
      count[i] = static_cast<uint32_t>(port_list(i).size());
      stride = std::max<std::size_t>(stride, count[i]);
    }
    fast_.relayout(n_, stride_, ports_, stride, count);
    if constexpr (kDoubleAlpha) slow_.relayout(n_, stride_, ports_, stride, count);
    ports_.swap(count);
    stride_ = stride;
  }

  // Channel 0 carries currents, channel r spikes for port r.
  void prepare_ring(const RunContext& rc) { prepare_input(rc, static_cast<int>(stride_) + 1); }

  void prepare_ports(std::size_t i, double h, double tau_m) {
    const auto& tau = port_list(i);
    if constexpr (kDoubleAlpha) {
      // NEST indexes these by port without a length check (undefined behaviour there).
      if (list(kTauSlow, i).size() < tau.size() || list(kAmpSlow, i).size() < tau.size())
        throw BadProperty(info_->name + ": tau_syn_slow and amp_slow need at least as many entries as tau_syn_fast (" +
                          std::to_string(tau.size()) + ").");
    }
    for (std::size_t r = 0; r < tau.size(); ++r) {
      fast_.set(i * stride_ + r, tau[r], tau_m, num_[C_m][i], h, 1.0);
      if constexpr (kDoubleAlpha)
        slow_.set(i * stride_ + r, list(kTauSlow, i)[r], tau_m, num_[C_m][i], h, list(kAmpSlow, i)[r]);
    }
  }

  void prepare_asc(std::size_t i, double h) {
    if (asc_rate_.size() != asc_.size())
      for (auto* v : {&asc_rate_, &asc_stable_, &asc_refr_, &asc_amp_}) v->assign(asc_.size(), 0.0);
    if (num_[after_spike_currents][i] == 0.0) return;
    const auto& k = list(kAscDecay, i);
    // NEST walks the state vector and indexes the parameters by it; a longer state
    // would read past the parameters (undefined behaviour there).
    if (asc_count_[i] > k.size())
      throw BadProperty(info_->name + ": ASCurrents has " + std::to_string(asc_count_[i]) +
                        " entries but the after-spike current parameters have " + std::to_string(k.size()) + ".");
    const double tref = num_[t_ref][i];
    for (std::size_t a = 0; a < asc_count_[i]; ++a) {
      const std::size_t j = i * asc_stride_ + a;
      asc_rate_[j] = std::exp(-k[a] * h);
      asc_stable_[j] = ((1.0 / k[a]) / h) * (1.0 - asc_rate_[j]);
      asc_refr_[j] = list(kAscR, i)[a] * std::exp(-k[a] * tref);
      asc_amp_[j] = list(kAscAmps, i)[a];
    }
  }

  AlphaBank fast_, slow_;
  std::vector<uint32_t> ports_;  // port count per node, as laid out
  std::size_t stride_ = 0;
  std::vector<double> asc_, asc_rate_, asc_stable_, asc_refr_, asc_amp_;
  std::vector<uint32_t> asc_count_;
  std::size_t asc_stride_ = 0;
  // Set when a spike connection is checked, as NEST's handles_test_event does.
  mutable std::vector<uint8_t> connected_;
};

}  // namespace nestkit::glif

#include "models/neurons/compartmental/cm_population.hpp"

#include <algorithm>
#include <cmath>

#include "models/neurons/compartmental/cm_kinetics.hpp"
#include "nestkit/errors.hpp"

namespace nestkit::cm {

CmDefaultPopulation::CmDefaultPopulation(const ModelInfo& info)
    : NeuronPopulation(info), blueprint_col_(info.specs[info.index_of("cm_blueprint")].column) {}

const std::vector<double>& CmDefaultPopulation::flat(std::size_t i) const {
  return std::get<std::vector<double>>(obj_[blueprint_col_][i]);
}
std::size_t CmDefaultPopulation::comps_of(std::size_t i) const {
  const auto& f = flat(i);
  return f.empty() ? 0 : static_cast<std::size_t>(f[0]);
}
std::size_t CmDefaultPopulation::receptors_of(std::size_t i) const {
  const auto& f = flat(i);
  return f.size() < 2 ? 0 : static_cast<std::size_t>(f[1]);
}

void CmDefaultPopulation::write_derived(std::size_t i, const std::vector<Value>&) {
  // Rows are written one node at a time (n times at Create): the layout is rebuilt
  // once, before it is next needed, not per row.
  if (layout_dirty_ || comp_begin_.size() != n_ + 1) {
    layout_dirty_ = true;
    return;
  }
  layout_dirty_ =
      comp_begin_[i + 1] - comp_begin_[i] != comps_of(i) || rec_begin_[i + 1] - rec_begin_[i] != receptors_of(i);
}

namespace {
// NEST's elimination order over one node's tree (local indices): start at the first
// leaf, climb while the parent has heard from all its children, else go on with the
// next leaf. Children's contributions reach a parent in this order, which fixes the
// rounding of its sums.
std::vector<std::size_t> sweep_order(const std::vector<long>& parent, const std::vector<std::size_t>& n_children) {
  const std::size_t nc = parent.size();
  std::vector<std::size_t> leaves, order;
  for (std::size_t c = 0; c < nc; ++c)
    if (n_children[c] == 0) leaves.push_back(c);
  std::vector<std::size_t> passed(nc, 0);
  std::size_t leaf = 0, c = leaves[0];
  while (true) {
    order.push_back(c);
    const long p = parent[c];
    if (p < 0) break;
    if (++passed[p] == n_children[p]) {
      c = static_cast<std::size_t>(p);
      continue;
    }
    if (++leaf >= leaves.size()) break;
    c = leaves[leaf];
  }
  return order;
}
}  // namespace

void CmDefaultPopulation::rebuild_layout() {
  // Keep the old layout and state to carry them over.
  const bool had_layout = comp_begin_.size() == n_ + 1;
  const std::vector<std::size_t> old_cb = comp_begin_, old_rb = rec_begin_;
  const std::vector<double> old_v = v_, old_m = m_na_, old_h = h_na_, old_n = n_k_, old_g = g_;
  const std::size_t old_slots = n_slots(), old_nr = old_g.size() / 4;
  const std::vector<double> old_ring = ring_;

  comp_begin_.assign(n_ + 1, 0);
  rec_begin_.assign(n_ + 1, 0);
  for (std::size_t i = 0; i < n_; ++i) {
    comp_begin_[i + 1] = comp_begin_[i] + comps_of(i);
    rec_begin_[i + 1] = rec_begin_[i] + receptors_of(i);
  }
  const std::size_t nc = comp_begin_[n_], nr = rec_begin_[n_];
  for (auto* a : {&ca_,  &gc_, &gl_, &el_, &gbar_na_, &e_na_, &gbar_k_, &e_k_,  &gg_base_, &c_v_, &gl_el_,
                  &gc2_, &hh_, &gg_, &ff_, &xx_,      &yy_,   &v_,      &m_na_, &h_na_,    &n_k_})
    a->assign(nc, 0.0);
  parent_.assign(nc, -1);
  child_begin_.assign(nc + 1, 0);
  sweep_.clear();
  comp_rec_begin_.assign(nc + 1, 0);
  comp_recs_.clear();
  kind_.assign(nr, 0);
  for (auto* a : {&e_rev_, &ratio_, &tau_r_, &tau_d_, &tau_r2_, &tau_d2_, &norm_, &norm2_, &prop_r_, &prop_d_,
                  &prop_r2_, &prop_d2_})
    a->assign(nr, 0.0);
  g_.assign(4 * nr, 0.0);

  for (std::size_t i = 0; i < n_; ++i) {
    const Blueprint bp = Blueprint::decode(flat(i));
    const std::size_t cb = comp_begin_[i], rb = rec_begin_[i], n_c = bp.compartments.size();
    const std::size_t old_nc_i = had_layout ? old_cb[i + 1] - old_cb[i] : 0;
    std::vector<long> local_parent(n_c);
    std::vector<std::size_t> n_children(n_c, 0);
    for (std::size_t c = 0; c < n_c; ++c) {
      const auto& s = bp.compartments[c];
      const std::size_t g = cb + c;
      local_parent[c] = static_cast<long>(s[kParent]);
      if (local_parent[c] >= 0) {
        parent_[g] = static_cast<long>(cb) + local_parent[c];
        ++n_children[local_parent[c]];
      }
      ca_[g] = s[kCm];
      gc_[g] = s[kGc];
      gl_[g] = s[kGl];
      el_[g] = s[kEl];
      gbar_na_[g] = s[kGbarNa];
      e_na_[g] = s[kENa];
      gbar_k_[g] = s[kGbarK];
      e_k_[g] = s[kEK];
      if (c < old_nc_i) {
        const std::size_t o = old_cb[i] + c;
        v_[g] = old_v[o];
        m_na_[g] = old_m[o];
        h_na_[g] = old_h[o];
        n_k_[g] = old_n[o];
      } else {  // NEST starts the gates at their steady state at the initial voltage
        v_[g] = s[kVinit];
        m_na_[g] = na_m(v_[g]).first;
        h_na_[g] = na_h(v_[g]).first;
        n_k_[g] = k_n(v_[g]).first;
      }
    }
    // Children in the order they were added, which is index order.
    for (std::size_t c = 0; c < n_c; ++c) child_begin_[cb + c + 1] = n_children[c];
    for (const std::size_t s : sweep_order(local_parent, n_children)) sweep_.push_back(cb + s);
    // A compartment's receptors, grouped by kind in NEST's order, each kind in the order added.
    for (std::size_t c = 0; c < n_c; ++c) {
      for (int k = 0; k < kReceptorKinds; ++k)
        for (std::size_t r = 0; r < bp.receptors.size(); ++r)
          if (bp.receptors[r][kComp] == static_cast<double>(c) && bp.receptors[r][kKind] == k)
            comp_recs_.push_back(rb + r);
      comp_rec_begin_[cb + c + 1] = comp_recs_.size();
    }
    const std::size_t old_nr_i = had_layout ? old_rb[i + 1] - old_rb[i] : 0;
    for (std::size_t r = 0; r < bp.receptors.size(); ++r) {
      const auto& s = bp.receptors[r];
      const std::size_t q = rb + r;
      kind_[q] = static_cast<int>(s[kKind]);
      e_rev_[q] = s[kErev];
      tau_r_[q] = s[kTauR];
      tau_d_[q] = s[kTauD];
      tau_r2_[q] = s[kTauR2];
      tau_d2_[q] = s[kTauD2];
      ratio_[q] = s[kRatio];
      norm_[q] = double_exp_norm(tau_r_[q], tau_d_[q]);
      if (kind_[q] == static_cast<int>(ReceptorKind::kAMPA_NMDA)) norm2_[q] = double_exp_norm(tau_r2_[q], tau_d2_[q]);
      if (r < old_nr_i) std::copy_n(&old_g[4 * (old_rb[i] + r)], 4, &g_[4 * q]);
    }
  }
  // child_begin_ holds counts; make it offsets and fill the children (index order per parent).
  for (std::size_t g = 0; g < nc; ++g) child_begin_[g + 1] += child_begin_[g];
  children_.assign(child_begin_[nc], 0);
  std::vector<std::size_t> fill(child_begin_.begin(), child_begin_.end() - 1);
  for (std::size_t g = 0; g < nc; ++g)
    if (parent_[g] >= 0) children_[fill[parent_[g]]++] = g;

  // Input already queued for existing receptors and compartments stays queued.
  if (ring_size_ > 0) {
    const std::size_t slots = n_slots();
    ring_.assign(static_cast<std::size_t>(ring_size_) * slots, 0.0);
    if (had_layout && old_slots > 0 && old_ring.size() == static_cast<std::size_t>(ring_size_) * old_slots) {
      for (long s = 0; s < ring_size_; ++s) {
        const double* from = &old_ring[s * old_slots];
        double* to = &ring_[s * slots];
        for (std::size_t i = 0; i < n_; ++i) {
          for (std::size_t r = 0; r < old_rb[i + 1] - old_rb[i]; ++r) to[rec_begin_[i] + r] = from[old_rb[i] + r];
          for (std::size_t c = 0; c < old_cb[i + 1] - old_cb[i]; ++c)
            to[nr + comp_begin_[i] + c] = from[old_nr + old_cb[i] + c];
        }
      }
    }
  }
  layout_dirty_ = false;
}

void CmDefaultPopulation::compute_constants(double dt) {
  dt_ = dt;
  const std::size_t nc = v_.size();
  for (std::size_t g = 0; g < nc; ++g) gc2_[g] = gc_[g] / 2.;
  for (std::size_t g = 0; g < nc; ++g) {
    const double ca_dt = ca_[g] / dt, gl_2 = gl_[g] / 2.;
    c_v_[g] = ca_dt - gl_2;
    gl_el_[g] = gl_[g] * el_[g];
    // NEST's diagonal: ca/dt + gl/2, plus half of the parent's and of each child's coupling.
    double gg = ca_dt + gl_2;
    if (parent_[g] >= 0) gg += gc2_[g];
    for (std::size_t k = child_begin_[g]; k < child_begin_[g + 1]; ++k) gg += gc2_[children_[k]];
    gg_base_[g] = gg;
    hh_[g] = parent_[g] >= 0 ? -gc2_[g] : 0.0;
  }
  for (std::size_t q = 0; q < kind_.size(); ++q) {
    prop_r_[q] = std::exp(-dt / tau_r_[q]);
    prop_d_[q] = std::exp(-dt / tau_d_[q]);
    prop_r2_[q] = std::exp(-dt / tau_r2_[q]);
    prop_d2_[q] = std::exp(-dt / tau_d2_[q]);
  }
}

void CmDefaultPopulation::prepare(const RunContext& rc) {
  for (std::size_t i = 0; i < n_; ++i)
    if (comps_of(i) == 0)
      throw KernelException(model_name_ + " (node " + std::to_string(first_gid_ + i) +
                            "): Compartment 0 does not exist in tree, meaning that no compartments have been added.");
  if (ring_size_ != rc.ring_size) {
    // The ring's size is fixed at the first run (min and max delay are frozen then).
    ring_size_ = rc.ring_size;
    ring_.clear();
    layout_dirty_ = true;
  }
  if (layout_dirty_) rebuild_layout();
  compute_constants(rc.grid->resolution());
}

void CmDefaultPopulation::currents(std::size_t g, double v, const double* slots, double& gsum, double& isum) {
  if (gbar_na_[g] > kChannelOff) {
    const auto m = na_m(v), h = na_h(v);
    relax(m_na_[g], m, dt_);
    relax(h_na_[g], h, dt_);
    const double g_na = gbar_na_[g] * std::pow(m_na_[g], 3) * h_na_[g];
    gsum += g_na / 2.;
    isum += g_na * (e_na_[g] - v / 2.);
  }
  if (gbar_k_[g] > kChannelOff) {
    relax(n_k_[g], k_n(v), dt_);
    const double g_k = gbar_k_[g] * n_k_[g];
    gsum += g_k / 2.;
    isum += g_k * (e_k_[g] - v / 2.);
  }
  for (std::size_t k = comp_rec_begin_[g]; k < comp_rec_begin_[g + 1]; ++k) {
    const std::size_t q = comp_recs_[k];
    double* s = &g_[4 * q];
    const double spikes = slots[q];
    double i_tot, di_dv;  // the receptor's current and its derivative with respect to v
    if (kind_[q] == static_cast<int>(ReceptorKind::kAMPA_NMDA)) {
      s[0] *= prop_r_[q];
      s[1] *= prop_d_[q];
      s[2] *= prop_r2_[q];
      s[3] *= prop_d2_[q];
      double add = spikes * norm_[q];
      s[0] -= add;
      s[1] += add;
      add = spikes * norm2_[q];
      s[2] -= add;
      s[3] += add;
      const double g_ampa = s[0] + s[1], g_nmda = s[2] + s[3];
      const auto block = nmda_block(v);
      i_tot = (g_ampa + ratio_[q] * g_nmda * block.first) * (e_rev_[q] - v);
      di_dv = -g_ampa + ratio_[q] * g_nmda * (block.second * (e_rev_[q] - v) - block.first);
    } else {
      s[0] *= prop_r_[q];
      s[1] *= prop_d_[q];
      const double add = spikes * norm_[q];
      s[0] -= add;
      s[1] += add;
      const double g_syn = s[0] + s[1];
      if (kind_[q] == static_cast<int>(ReceptorKind::kNMDA)) {
        const auto block = nmda_block(v);
        i_tot = g_syn * block.first * (e_rev_[q] - v);
        di_dv = g_syn * (block.second * (e_rev_[q] - v) - block.first);
      } else {
        i_tot = g_syn * (e_rev_[q] - v);
        di_dv = -g_syn;
      }
    }
    const double g_half = -di_dv / 2.;
    gsum += g_half;
    isum += i_tot + g_half * v;
  }
}

void CmDefaultPopulation::update_node(std::size_t i, long step, double* slots, StepContext& ctx) {
  const std::size_t cb = comp_begin_[i], ce = comp_begin_[i + 1], nr = g_.size() / 4;
  const double v_root_before = v_[cb];
  // Rows of the Crank-Nicolson system, all from the voltages at the start of the step.
  for (std::size_t g = cb; g < ce; ++g) {
    const double v = v_[g];
    double ff = c_v_[g] * v + gl_el_[g];
    if (parent_[g] >= 0) ff -= gc2_[g] * (v - v_[parent_[g]]);
    for (std::size_t k = child_begin_[g]; k < child_begin_[g + 1]; ++k) {
      const std::size_t ch = children_[k];
      ff -= gc2_[ch] * (v - v_[ch]);
    }
    double gsum = 0., isum = 0.;
    currents(g, v, slots, gsum, isum);
    double& injected = slots[nr + g];
    gg_[g] = gg_base_[g] + gsum;
    ff_[g] = ff + isum + injected;
    injected = 0.0;
    xx_[g] = yy_[g] = 0.0;
  }
  for (std::size_t q = rec_begin_[i]; q < rec_begin_[i + 1]; ++q) slots[q] = 0.0;
  // Eliminate towards the root (NEST's order), then solve from the root outwards.
  for (std::size_t k = cb; k < ce; ++k) {
    const std::size_t g = sweep_[k];
    gg_[g] -= xx_[g];
    ff_[g] -= yy_[g];
    if (parent_[g] >= 0) {
      xx_[parent_[g]] += hh_[g] * hh_[g] / gg_[g];
      yy_[parent_[g]] += ff_[g] * hh_[g] / gg_[g];
    }
  }
  for (std::size_t g = cb; g < ce; ++g) {
    const double v_in = parent_[g] >= 0 ? v_[parent_[g]] : 0.0;
    v_[g] = (ff_[g] - v_in * hh_[g]) / gg_[g];
  }
  const double th = num_[V_th][i];
  if (v_[cb] >= th && v_root_before < th) emit(ctx, i, step + 1);
}

void CmDefaultPopulation::update(StepContext& ctx, long from, long to, std::size_t begin, std::size_t end) {
  const std::size_t slots = n_slots();
  for (long lag = from; lag < to; ++lag) {
    const long step = ctx.slice_origin + lag;
    double* row = &ring_[(step % ring_size_) * slots];
    for (std::size_t i = begin; i < end; ++i) update_node(i, step, row, ctx);
    sample(step, begin, end);
  }
}

void CmDefaultPopulation::deliver_spikes(const SpikeBatch& b) {
  const std::size_t slots = n_slots();
  for (std::size_t k = 0; k < b.count; ++k) {
    const uint32_t m = multiplicity(b, k);
    if (m == 0) continue;
    if (b.weight[k] < 0.0) {
      // NEST refuses the spike when it arrives; the kernel raises this after the slice.
      report_error("BadProperty in " + model_name_ + ": Synaptic weights must be positive.");
      continue;
    }
    const std::size_t i = b.target[k] - first_gid_;
    const long step = b.stamp + b.delay[k] - 1;
    ring_[(step % ring_size_) * slots + rec_begin_[i] + b.receptor[k]] += b.weight[k] * b.weight_factor * m;
  }
}

void CmDefaultPopulation::deliver_current(const CurrentBatch& b) {
  const std::size_t slots = n_slots(), nr = g_.size() / 4;
  for (std::size_t k = 0; k < b.count; ++k) {
    const std::size_t i = b.target[k] - first_gid_;
    const long step = b.stamp + b.delay[k] - 1;
    ring_[(step % ring_size_) * slots + nr + comp_begin_[i] + b.receptor[k]] += b.weight[k] * b.amplitude;
  }
}

double CmDefaultPopulation::recordable(int code, std::size_t i) const {
  const int kind = code / kCodeStride;
  const std::size_t idx = static_cast<std::size_t>(code % kCodeStride);
  switch (kind) {
    case kVComp:
      return v_[comp_begin_[i] + idx];
    case kMNa:
      return m_na_[comp_begin_[i] + idx];
    case kHNa:
      return h_na_[comp_begin_[i] + idx];
    case kNK:
      return n_k_[comp_begin_[i] + idx];
    default:
      break;
  }
  // Receptor conductances: AMPA, GABA, NMDA keep (g_r, g_d); AMPA_NMDA (g_r, g_d) of each part.
  const std::size_t q = rec_begin_[i] + idx;
  const int slot = kind >= kGrANAMPA ? kind - kGrANAMPA : (kind - kGrAMPA) % 2;
  return g_[4 * q + slot];
}

bool CmDefaultPopulation::accepts_spike_port(std::size_t i, long receptor) const {
  return receptor >= 0 && static_cast<std::size_t>(receptor) < receptors_of(i);
}
bool CmDefaultPopulation::accepts_current_port(std::size_t i, long receptor) const {
  return receptor >= 0 && static_cast<std::size_t>(receptor) < comps_of(i);
}
std::string CmDefaultPopulation::spike_ports(std::size_t i) const {
  const std::size_t n = receptors_of(i);
  return n == 0 ? "none: the node has no receptors" : "receptor indices 0.." + std::to_string(n - 1);
}
bool CmDefaultPopulation::has_recordable(std::size_t i, const std::string& name) const {
  int code = 0;
  return recordable_code(flat(i), name, code);
}
int CmDefaultPopulation::recordable_index(std::size_t i, const std::string& name) const {
  int code = 0;
  return recordable_code(flat(i), name, code) ? code : -1;
}

}  // namespace nestkit::cm

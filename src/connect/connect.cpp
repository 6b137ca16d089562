// Connect, connect_arrays and the SynapseCollection accessors.
#include <algorithm>
#include <cmath>
#include <exception>
#include <limits>
#include <numeric>

#include "connect/param_program.hpp"
#include "connect/rules.hpp"
#include "core/min_max.hpp"
#include "nestkit/clopath_archive.hpp"
#include "nestkit/coerce.hpp"
#include "nestkit/communicator.hpp"
#include "nestkit/eprop_archive.hpp"
#include "nestkit/rng.hpp"
#include "nestkit/simulator.hpp"
#include "nestkit/units.hpp"
#include "nestkit/urbanczik_archive.hpp"

namespace nestkit {

namespace {
void check_distribution(const Distribution& d, const std::string& what) { d.validate(what); }

// Random per-connection values of a call: the j-th synapse of an owner (j-th as the rule
// drew them) gets the j-th value drawn from the owner's stream (seed, purpose, stream,
// owner), so the values depend neither on threads nor on processes: a process holding only
// some of an owner's synapses (StagedCall::slots) draws the others' values too and drops
// them. One stream per owner, not per synapse, lets consecutive values share Philox
// blocks (and the polar method's second normal). Owners go in parallel blocks; the first
// exception in owner order is rethrown. `store(k, value)` receives synapse k's value.
template <typename Store>
void draw_per_owner(const StagedCall& call, int threads, uint32_t seed, Purpose purpose, uint32_t stream,
                    const ParamProgram& program, Store store) {
  const std::size_t n = call.owners.size();
  const int nt = std::max(1, std::min<int>(threads, static_cast<int>(call.partners.size() / 4096) + 1));
  std::vector<std::exception_ptr> error(nt);
#pragma omp parallel for num_threads(nt) schedule(static, 1)
  for (int b = 0; b < nt; ++b) {
    try {
      for (std::size_t o = n * b / nt; o < n * (b + 1) / nt; ++o) {
        RandomStream rng(seed, purpose, stream, call.owners[o]);
        uint64_t next = 0;  // the owner's value the stream gives next
        for (uint64_t k = call.offsets[o]; k < call.offsets[o + 1]; ++k) {
          const uint64_t slot = call.slots.empty() ? k - call.offsets[o] : call.slots[k];
          for (; next < slot; ++next) program.draw(rng);  // another process's synapse
          store(k, program.draw(rng));
          ++next;
        }
      }
    } catch (...) {
      error[b] = std::current_exception();
    }
  }
  for (auto& e : error)
    if (e) std::rethrow_exception(e);
}

// Stream index of a call's per-connection parameter `v` (0: receptor_type).
uint32_t param_stream(uint32_t call_id, uint32_t v) { return call_id * 257u + v; }

// Keeps the synapses this process holds in a distributed run, with their per-synapse
// values: those whose target it updates (`is_local`), and of those onto a recorder
// (`is_recorder`: replicated, it records its process's nodes) only the ones from its own
// sources, as NEST. Rules that know the local targets make no others; this catches the
// rest (recorders, spatial rules, connect_arrays, calls with per-connection arrays).
template <typename Local, typename Recorder>
void keep_local(StagedCall& c, Local is_local, Recorder is_recorder) {
  const std::size_t rs = c.rec_size;
  // Per owner: 0 drop all, 1 keep all, 2 decide per synapse.
  std::vector<uint8_t> verdict(c.owners.size());
  bool all = true;
  for (std::size_t o = 0; o < c.owners.size(); ++o) {
    const uint32_t owner = c.owners[o];
    if (c.target_major)
      verdict[o] = !is_local(owner) ? 0 : is_recorder(owner) ? 2 : 1;
    else
      verdict[o] = 2;
    all &= verdict[o] == 1;
  }
  if (all) return;
  auto keep = [&](std::size_t o, uint64_t k) {
    if (verdict[o] != 2) return verdict[o] == 1;
    const uint32_t s = c.target_major ? c.partners[k] : c.owners[o];
    const uint32_t t = c.target_major ? c.owners[o] : c.partners[k];
    return is_local(t) && (!is_recorder(t) || is_local(s));
  };
  std::vector<uint32_t> owners, partners;
  std::vector<uint64_t> offsets{0};
  std::vector<double> weights, records;
  std::vector<uint16_t> delays;
  std::vector<uint8_t> receptors;
  for (std::size_t o = 0; o < c.owners.size(); ++o) {
    for (uint64_t k = c.offsets[o]; k < c.offsets[o + 1]; ++k) {
      if (!keep(o, k)) continue;
      partners.push_back(c.partners[k]);
      if (!c.weights.empty()) weights.push_back(c.weights[k]);
      if (!c.delays.empty()) delays.push_back(c.delays[k]);
      if (!c.receptors.empty()) receptors.push_back(c.receptors[k]);
      if (!c.records.empty())
        records.insert(records.end(), c.records.begin() + k * rs, c.records.begin() + (k + 1) * rs);
    }
    if (partners.size() > offsets.back()) {
      owners.push_back(c.owners[o]);
      offsets.push_back(partners.size());
    }
  }
  c.owners.swap(owners);
  c.offsets.swap(offsets);
  c.partners.swap(partners);
  c.weights.swap(weights);
  c.delays.swap(delays);
  c.receptors.swap(receptors);
  c.records.swap(records);
}

// Whether a Connect may make only the local targets' synapses from the start: not when a
// value is given per connection as an array (indexed over the whole call).
bool filterable(const SynSpec& syn) {
  if (syn.weight.kind == ParamSource::kArray || syn.delay.kind == ParamSource::kArray) return false;
  for (const auto& [key, ps] : syn.params)
    if (ps.kind == ParamSource::kArray) return false;
  return true;
}

// By node id, up to the largest target: 1 where this process updates the target.
std::vector<uint8_t> local_targets(const Simulator& sim, const NodeCollection& post) {
  std::vector<uint8_t> mask(post.empty() ? 0 : *std::max_element(post.ids().begin(), post.ids().end()) + 1, 0);
  for (uint32_t g : post.ids()) mask[g] = sim.is_local(g) ? 1 : 0;
  return mask;
}
}  // namespace

void Simulator::check_connectable(const Population& src, uint32_t source, const Population& tgt, uint32_t target,
                                  long receptor) const {
  const std::size_t ti = target - tgt.first_gid();
  const ModelInfo& s = src.info();
  const ModelInfo& t = tgt.info();
  auto fail = [&](const std::string& why) {
    throw IllegalConnection(src.model_name() + " -> " + tgt.model_name() + ": " + why);
  };
  if (s.samples) {
    if (t.recordables.empty() && !t.own_recordables) fail("the target has no recordables");
    // NEST refuses at Connect a multimeter asking for something the node cannot record.
    if (const auto* names = src.sampled_names(source - src.first_gid())) {
      for (const auto& name : *names)
        if (!tgt.has_recordable(ti, name))
          fail("cannot record '" + name + "' from " + tgt.model_name() + " (node " + std::to_string(target) + ")." +
               did_you_mean(name, t.recordables));
    }
    return;
  }
  if (t.kind == NodeKind::kStimulator) fail("stimulation devices cannot receive connections");
  if (t.check_source) {
    const std::string why = t.check_source(s, receptor);
    if (!why.empty()) fail(why);
  }
  if (t.samples) fail("connect the multimeter to the nodes it records (multimeter as source)");
  // NEST's signal types: a binary neuron's transitions reach only binary neurons, parrots
  // and recorders (and the detectors that check for themselves above).
  if (s.family == "binary" && t.kind == NodeKind::kNeuron && t.element_type.empty() && t.family != "binary" &&
      t.family != "parrot")
    throw IllegalConnection(src.model_name() + " -> " + tgt.model_name() +
                            ": Source and target neuron are not compatible (e.g., spiking vs binary neuron).");
  if (s.kind == NodeKind::kRecorder) fail("recorders cannot send events");
  if (s.emits_current) {
    if (!t.accepts_current) fail("the target does not accept currents");
    if (!tgt.accepts_current_port(ti, receptor))
      fail("receptor_type " + std::to_string(receptor) + " is not a current port of " + tgt.model_name());
    return;
  }
  if (!s.emits_spikes) fail("the source sends no spikes");
  if (t.kind == NodeKind::kRecorder) {
    if (receptor != 0) fail("recorders only accept receptor_type 0");
    return;
  }
  if (t.secondary_in && t.spike_receptors.empty())
    fail("the target takes no spikes; connect it with a rate or secondary-event synapse model");
  if (!tgt.accepts_spike_port(ti, receptor))
    throw UnknownReceptorType(src.model_name() + " -> " + tgt.model_name() + ": " + "receptor_type " +
                              std::to_string(receptor) + " is not available in " + tgt.model_name() +
                              " (valid: " + tgt.spike_ports(ti) + ")");
}

void Simulator::finish_call(StagedCall& call, const SynSpec& syn, uint32_t call_id) {
  const int sid = synapse_id(syn.synapse_model);
  const SynapseProto& proto = synapse_protos_[sid];
  const long receptor = syn.receptor_type.value_or(proto.receptor_type);
  if (receptor < 0 || receptor > 255) throw IllegalConnection("receptor_type must be in [0, 255]");
  const std::size_t n = call.partners.size();
  const SynapseInfo& info = *proto.info;
  if (info.trigger && proto.volume_transmitter == 0)
    throw BadProperty(proto.name + ": No volume transmitter has been assigned to the synapse model.");

  // Per-connection receptor ports (an array or a parameter object): drawn here,
  // checked per (target, port) below, and split into one call per port by the caller.
  std::vector<uint8_t> receptors;
  if (auto it = syn.params.find("receptor_type"); it != syn.params.end()) {
    const ParamSource& ps = it->second;
    if (ps.kind == ParamSource::kArray && ps.array.size() != n)
      throw BadProperty(proto.name + ": receptor_type: an array of " + std::to_string(ps.array.size()) +
                        " values for " + std::to_string(n) + " connections");
    if (ps.kind == ParamSource::kRandom) check_distribution(ps.dist, "receptor_type");
    receptors.resize(n);
    auto check_port = [&](double r) {
      if (!(r >= 0.0 && r <= 255.0) || r != std::floor(r))
        throw IllegalConnection(proto.name + ": receptor_type " + std::to_string(r) +
                                " of a connection is not an integer in [0, 255]");
      return static_cast<uint8_t>(r);
    };
    if (ps.kind == ParamSource::kRandom)
      draw_per_owner(call, threads_, seed_, Purpose::kSynapseParam, param_stream(call_id, 0), ParamProgram(ps.dist),
                     [&](uint64_t k, double r) { receptors[k] = check_port(r); });
    else
      for (std::size_t k = 0; k < n; ++k) receptors[k] = check_port(ps.array[k]);
  }
  for (const auto& [key, ps] : syn.params) {
    if (key == "receptor_type") continue;
    const SynapseParam* sp = info.find(key);
    if (key == "volume_transmitter" || key == "weight_recorder")
      throw BadProperty(proto.name + ": '" + key + "' can only be set via SetDefaults() or CopyModel().");
    if (!sp || sp->hidden) {
      std::vector<std::string> names = info.visible_names();
      names.push_back("synapse_model");
      throw UnknownParameter("'" + key + "' is not a parameter of " + proto.name + "." + did_you_mean(key, names));
    }
    if (sp->common)
      throw NotImplemented(proto.name + ": '" + key +
                           "' is a property common to all its connections; set it with SetDefaults or CopyModel");
    if (ps.kind == ParamSource::kArray && ps.array.size() != n)
      throw BadProperty(proto.name + ": " + key + ": an array of " + std::to_string(ps.array.size()) + " values for " +
                        std::to_string(n) + " connections");
    if (ps.kind == ParamSource::kRandom) check_distribution(ps.dist, key);
  }
  if (!info.weight_refusal.empty() && syn.weight.kind != ParamSource::kUnset)
    throw BadProperty(proto.name + ": " + info.weight_refusal);
  if (info.weight_common && syn.weight.kind != ParamSource::kUnset)
    throw NotImplemented(proto.name +
                         ": the weight is common to all its connections; set it with SetDefaults or "
                         "CopyModel");
  for (const ParamSource* ps : {&syn.weight, &syn.delay}) {
    const char* what = ps == &syn.weight ? "weight" : "delay";
    if (ps->kind == ParamSource::kArray && ps->array.size() != n)
      throw BadProperty(std::string(what) + ": an array of " + std::to_string(ps->array.size()) + " values for " +
                        std::to_string(n) + " connections");
    if (ps->kind == ParamSource::kRandom) check_distribution(ps->dist, what);
  }
  // Node kinds and receptor ports: once per (source population, target node).
  {
    const Population* src_pop = nullptr;
    const Population* tgt_pop = nullptr;
    std::vector<bool> seen(next_gid_, false);
    // Whether every source of the call lies in one population (one scan of all of them,
    // on every thread, instead of one per target's row below).
    bool one_source_population = false;
    if (call.target_major && receptors.empty() && n > 0) {
      call.source_bounds = min_max(call.partners.data(), n, threads_);
      one_source_population = pop_of(call.source_bounds.first).contains(call.source_bounds.second);
    }
    for (std::size_t o = 0; o < call.owners.size(); ++o) {
      for (uint64_t k = call.offsets[o]; k < call.offsets[o + 1]; ++k) {
        // A target's row whose other sources all lie in the population just checked
        // adds nothing to check (one scan, not a test per synapse: rows are long).
        if (k == call.offsets[o] + 1 && call.target_major && receptors.empty() &&
            src_pop->contains(call.partners[k - 1])) {
          if (one_source_population) break;
          const auto [lo, hi] = min_max(call.partners.data() + k, call.offsets[o + 1] - k);
          if (src_pop->contains(lo) && src_pop->contains(hi)) break;
        }
        const uint32_t s = call.target_major ? call.partners[k] : call.owners[o];
        const uint32_t t = call.target_major ? call.owners[o] : call.partners[k];
        const bool new_src = !src_pop || !src_pop->contains(s);
        if (new_src) src_pop = &pop_of(s);
        if (!tgt_pop || !tgt_pop->contains(t)) tgt_pop = &pop_of(t);
        if (receptors.empty()) {
          if (!new_src && seen[t]) continue;
          seen[t] = true;
        }
        const long port = receptors.empty() ? receptor : receptors[k];
        if (info.secondary != Secondary::kNone) {
          // A secondary-event connection: the source must send and the target take its kind.
          const uint8_t bit = secondary_bit(info.secondary);
          if (!(src_pop->info().secondary_out & bit))
            throw IllegalConnection(proto.name + ": " + src_pop->model_name() + " -> " + tgt_pop->model_name() +
                                    " (node " + std::to_string(s) + "): the source does not send the events of " +
                                    proto.name);
          if (!(tgt_pop->info().secondary_in & bit))
            throw IllegalConnection(proto.name + ": " + src_pop->model_name() + " -> " + tgt_pop->model_name() +
                                    " (node " + std::to_string(t) + "): the target does not support " + proto.name +
                                    " input");
          if (const auto& check = tgt_pop->info().check_source) {  // e.g. the e-prop readouts' target port
            if (const std::string why = check(src_pop->info(), port); !why.empty())
              throw IllegalConnection(proto.name + ": " + src_pop->model_name() + " -> " + tgt_pop->model_name() +
                                      ": " + why);
          }
          const auto& ports = tgt_pop->info().secondary_receptors;
          if (std::find(ports.begin(), ports.end(), port) == ports.end())
            throw IllegalConnection(proto.name + ": receptor_type " + std::to_string(port) + " is not available in " +
                                    tgt_pop->model_name() + " for secondary connections");
          continue;
        }
        if ((proto.info->needs_clopath && !tgt_pop->clopath_archive()) ||
            (proto.info->needs_urbanczik && !tgt_pop->urbanczik_archive()) ||
            (proto.info->needs_eprop && !tgt_pop->eprop_archive()))
          throw IllegalConnection(proto.name + " to " + tgt_pop->model_name() + " (node " + std::to_string(t) +
                                  "): This synapse model is not supported by the neuron model of at least one "
                                  "connection.");
        check_connectable(*src_pop, s, *tgt_pop, t, port);
        // As NEST: only static synapse models carry spikes from stimulation devices.
        if ((!proto.info->device_sources || proto.info->send) && src_pop->info().kind == NodeKind::kStimulator)
          throw IllegalConnection(proto.name + ": " + src_pop->model_name() + " -> " + tgt_pop->model_name() +
                                  ": The target node or synapse model does not support spike input.");
        if (proto.info->needs_archive && !tgt_pop->info().archiving)
          throw IllegalConnection(proto.name + ": the target " + tgt_pop->model_name() + " (node " + std::to_string(t) +
                                  ") keeps no spike history, which this plastic synapse needs");
      }
    }
  }
  auto check_delay = [&](double d_ms) -> uint16_t {
    const long d = std::isfinite(d_ms) ? grid_.delay_to_steps(d_ms) : -1;
    if (d < 1)
      throw BadDelay("delay " + std::to_string(d_ms) + " ms: Delay must be greater than or equal to resolution (" +
                     std::to_string(grid_.resolution()) + " ms)");
    if (d > std::numeric_limits<uint16_t>::max())
      throw BadDelay("delay " + std::to_string(d_ms) + " ms exceeds nestkit's maximum of 65535 steps");
    if (simulated_ && (d < min_delay_ || d > max_delay_))
      throw BadDelay("delay " + std::to_string(d_ms) +
                     " ms: Minimum and maximum delay cannot be changed after Simulate has been called.");
    return static_cast<uint16_t>(d);
  };
  // Random values use streams keyed by (call, owner, index within the owner): independent
  // of threads and of which process makes the synapse.
  switch (syn.weight.kind) {
    case ParamSource::kScalar:
      call.weight = syn.weight.scalar;
      break;
    case ParamSource::kArray:
      call.weights = syn.weight.array;
      break;
    case ParamSource::kRandom: {
      call.weights.resize(n);
      draw_per_owner(call, threads_, seed_, Purpose::kWeight, call_id, ParamProgram(syn.weight.dist),
                     [&](uint64_t k, double w) { call.weights[k] = w; });
      break;
    }
    default:
      call.weight = proto.weight;
  }
  for (double w : call.weights)
    if (!std::isfinite(w)) throw BadProperty("weight must be finite");
  if (!std::isfinite(call.weight)) throw BadProperty("weight must be finite");
  double continuous_part = 0.0;  // cont_delay_synapse, see below
  if (!info.has_delay) {
    // NEST: connections without a delay count as wfr_comm_interval towards min/max delay.
    if (syn.delay.kind != ParamSource::kUnset)
      throw BadProperty(proto.name + " has no delay (got a delay in syn_spec)." +
                        (info.secondary == Secondary::kInstantRate ? " Use rate_connection_delayed for a delayed rate."
                                                                   : std::string()));
    call.delay = check_delay(use_wfr_ ? wfr_comm_interval_ : grid_.resolution());
  } else {
    switch (syn.delay.kind) {
      case ParamSource::kScalar:
        call.delay = check_delay(syn.delay.scalar);
        break;
      case ParamSource::kArray:
      case ParamSource::kRandom: {
        call.delays.resize(n);
        if (syn.delay.kind == ParamSource::kRandom)
          draw_per_owner(call, threads_, seed_, Purpose::kDelay, call_id, ParamProgram(syn.delay.dist),
                         [&](uint64_t k, double d) { call.delays[k] = check_delay(d); });
        else
          for (std::size_t k = 0; k < n; ++k) call.delays[k] = check_delay(syn.delay.array[k]);
        break;
      }
      default:
        call.delay = check_delay(proto.delay);
        // cont_delay_synapse: a model delay off the grid keeps its continuous part
        // (whole steps rounded up, the rest subtracted at delivery), as NEST's set_delay.
        if (info.has_continuous_delay() && std::isfinite(proto.delay)) {
          double whole = 0.0;
          const double frac = std::modf(proto.delay / grid_.resolution(), &whole);
          if (frac != 0.0) {
            if (whole < 1.0)
              throw BadDelay(proto.name + ": delay " + std::to_string(proto.delay) +
                             " ms: both neighbouring steps must be valid delays (>= the resolution " +
                             std::to_string(grid_.resolution()) + " ms)");
            call.delay = check_delay(grid_.delay_to_ms(static_cast<long>(whole) + 1));
            check_delay(grid_.delay_to_ms(static_cast<long>(whole)));
            continuous_part = grid_.resolution() * (1.0 - frac);
          }
        }
    }
  }
  call.receptor = static_cast<uint8_t>(receptor);
  call.synapse_model = static_cast<uint8_t>(sid);
  // The model's record: shared by the call's synapses unless a value differs per
  // synapse or the model keeps per-synapse state of its own.
  call.rec_size = static_cast<uint8_t>(info.record_size);
  std::vector<double> base = proto.record;
  if (continuous_part > 0.0) base[info.continuous_delay_column] = continuous_part;
  bool each = info.record_size > 0 && (info.stochastic || !info.shares_pre_state);
  std::vector<std::pair<int, const ParamSource*>> varying;

  uint32_t salt = 0;
  for (const auto& [key, ps] : syn.params) {
    if (key == "receptor_type") continue;  // drawn above
    const SynapseParam* sp = info.find(key);
    ++salt;
    if (ps.kind == ParamSource::kScalar)
      base[sp->column] = ps.scalar;
    else
      varying.emplace_back(sp->column, &ps);
  }

  each |= !varying.empty();
  const double delay_ms = grid_.delay_to_ms(call.delay);
  if (each) {
    const std::size_t rs = info.record_size;
    call.records.resize(n * rs);
    for (std::size_t k = 0; k < n; ++k) std::copy(base.begin(), base.end(), call.records.data() + k * rs);
    uint32_t v = 0;
    for (const auto& [col, ps] : varying) {
      ++v;
      if (ps->kind == ParamSource::kArray)
        for (std::size_t k = 0; k < n; ++k) call.records[k * rs + col] = ps->array[k];
      else
        draw_per_owner(call, threads_, seed_, Purpose::kSynapseParam, param_stream(call_id, v), ParamProgram(ps->dist),
                       [&, c = col](uint64_t k, double x) { call.records[k * rs + c] = x; });
    }
  } else {
    call.record = base;
  }
  // Every synapse's values pass the model's checks before anything is stored. As NEST, the
  // model's own rule across values (e.g. weight and Wmax of one sign) applies only when the
  // syn_spec names one of its parameters (NEST sets weight and delay without set_status).
  const bool model_check =
      std::any_of(syn.params.begin(), syn.params.end(), [](const auto& kv) { return kv.first != "receptor_type"; });
  if (each || (!call.weights.empty() && info.check && model_check)) {
    std::vector<double> r = base;
    for (std::size_t k = 0; k < n; ++k) {
      if (each) std::copy_n(call.records.begin() + k * info.record_size, info.record_size, r.begin());
      check_synapse_values(proto, r, call.weights.empty() ? call.weight : call.weights[k], delay_ms, model_check);
    }
  } else {
    check_synapse_values(proto, base, info.weight_common ? proto.weight : call.weight, delay_ms, model_check);
  }
  call.weight_each = info.plastic;
  call.receptors = std::move(receptors);
}

namespace {
// A call whose connections have ports of their own becomes one call per port (the
// store keeps one port per segment), each with its synapses in generation order.
std::vector<StagedCall> split_by_receptor(StagedCall&& call) {
  std::vector<StagedCall> out;
  if (call.receptors.empty()) {
    out.push_back(std::move(call));
    return out;
  }
  std::vector<int> slot(256, -1);
  for (uint8_t r : call.receptors)
    if (slot[r] < 0) {
      slot[r] = static_cast<int>(out.size());
      StagedCall part;
      part.target_major = call.target_major;
      part.weight_each = call.weight_each;
      part.weight = call.weight;
      part.delay = call.delay;
      part.receptor = r;
      part.synapse_model = call.synapse_model;
      part.rec_size = call.rec_size;
      part.record = call.record;
      out.push_back(std::move(part));
    }
  const std::size_t rs = call.rec_size;
  for (std::size_t o = 0; o < call.owners.size(); ++o) {
    for (uint64_t k = call.offsets[o]; k < call.offsets[o + 1]; ++k) {
      StagedCall& p = out[slot[call.receptors[k]]];
      if (p.owners.empty() || p.owners.back() != call.owners[o]) {
        if (p.offsets.empty()) p.offsets.push_back(0);
        p.owners.push_back(call.owners[o]);
        p.offsets.push_back(p.partners.size());
      }
      p.partners.push_back(call.partners[k]);
      p.offsets.back() = p.partners.size();
      if (!call.weights.empty()) p.weights.push_back(call.weights[k]);
      if (!call.delays.empty()) p.delays.push_back(call.delays[k]);
      if (!call.records.empty())
        p.records.insert(p.records.end(), call.records.begin() + k * rs, call.records.begin() + (k + 1) * rs);
    }
  }
  // Parts in port order (rows hold them so): every process orders its parts alike, even
  // when it lacks some ports.
  std::sort(out.begin(), out.end(), [](const StagedCall& a, const StagedCall& b) { return a.receptor < b.receptor; });
  return out;
}

// The smallest and largest source of a call: a node range outside them needs no
// look at the call's synapses.
std::pair<uint32_t, uint32_t> source_bounds(const StagedCall& call, int threads) {
  if (call.partners.empty()) return {1, 0};
  if (call.source_bounds.first <= call.source_bounds.second) return call.source_bounds;  // found by finish_call
  const std::vector<uint32_t>& sources = call.target_major ? call.partners : call.owners;
  return min_max(sources.data(), sources.size(), threads);
}

// Gid ranges [first, end) of the populations that pass `keep`, clipped to those that
// hold a source in [lo, hi].
template <typename Keep>
std::vector<std::pair<uint32_t, uint32_t>> ranges_among_sources(const std::vector<std::unique_ptr<Population>>& pops,
                                                                std::pair<uint32_t, uint32_t> bounds, Keep keep) {
  std::vector<std::pair<uint32_t, uint32_t>> ranges;
  for (const auto& p : pops) {
    const uint32_t first = p->first_gid(), end = first + static_cast<uint32_t>(p->size());
    if (keep(*p) && first <= bounds.second && end > bounds.first) ranges.emplace_back(first, end);
  }
  return ranges;
}
}  // namespace

std::vector<uint32_t> Simulator::devices_new_to(const StagedCall& call, std::pair<uint32_t, uint32_t> sources) const {
  // Stimulation devices' gid ranges.
  const std::vector<std::pair<uint32_t, uint32_t>> ranges =
      ranges_among_sources(pops_, sources, [](const Population& p) { return p.info().kind == NodeKind::kStimulator; });
  std::vector<uint32_t> fresh;
  if (ranges.empty()) return fresh;
  auto visit = [&](uint32_t s) {
    for (const auto& [lo, hi] : ranges) {
      if (s < lo || s >= hi) continue;
      const auto it = device_synapse_.find(s);
      if (it == device_synapse_.end()) {
        if (fresh.empty() || fresh.back() != s) fresh.push_back(s);
      } else if (it->second != call.synapse_model) {
        throw IllegalConnection(pop_of(s).model_name() + " (node " + std::to_string(s) + ") -> " +
                                synapse_protos_[call.synapse_model].name +
                                ": All outgoing connections from a device must use the same synapse type (it has " +
                                synapse_protos_[it->second].name + " connections).");
      }
    }
  };
  if (call.target_major) {
    for (uint32_t s : call.partners) visit(s);
  } else {
    for (std::size_t o = 0; o < call.owners.size(); ++o)
      if (call.offsets[o + 1] > call.offsets[o]) visit(call.owners[o]);
  }
  return fresh;
}

std::vector<std::pair<uint64_t, uint32_t>> Simulator::number_loggers(const StagedCall& call,
                                                                     std::pair<uint32_t, uint32_t> sources) const {
  // Sampling devices' gid ranges.
  const std::vector<std::pair<uint32_t, uint32_t>> ranges =
      ranges_among_sources(pops_, sources, [](const Population& p) { return p.info().samples; });
  std::vector<std::pair<uint64_t, uint32_t>> fresh;  // (multimeter, node) pairs and their numbers
  if (ranges.empty()) return fresh;
  auto sampler = [&](uint32_t s) {
    return std::any_of(ranges.begin(), ranges.end(), [s](const auto& r) { return s >= r.first && s < r.second; });
  };
  std::unordered_map<uint32_t, uint32_t> counts;  // this call's additions per node
  std::unordered_map<uint64_t, uint32_t> seen;
  for (std::size_t o = 0; o < call.owners.size(); ++o)
    for (uint64_t k = call.offsets[o]; k < call.offsets[o + 1]; ++k) {
      const uint32_t s = call.target_major ? call.partners[k] : call.owners[o];
      if (!sampler(s)) continue;
      const uint32_t t = call.target_major ? call.owners[o] : call.partners[k];
      const uint64_t key = (static_cast<uint64_t>(s) << 32) | t;
      if (logger_port_.count(key) || seen.count(key))
        throw IllegalConnection(pop_of(s).model_name() + " (node " + std::to_string(s) + ") -> node " +
                                std::to_string(t) + ": Each multimeter can only be connected once to a given node.");
      const auto had = loggers_of_.find(t);
      const uint32_t port = (had == loggers_of_.end() ? 0 : had->second) + ++counts[t];
      seen.emplace(key, port);
      fresh.emplace_back(key, port);
    }
  return fresh;
}

void Simulator::commit(StagedCall&& whole) {
  // As NEST: a stimulation device sends through one synapse model.
  const std::pair<uint32_t, uint32_t> sources = source_bounds(whole, threads_);
  const std::vector<uint32_t> devices = devices_new_to(whole, sources);
  const std::vector<std::pair<uint64_t, uint32_t>> loggers = number_loggers(whole, sources);
  const uint8_t model_of_call = whole.synapse_model;
  if (!std::isnan(user_min_delay_ms_) && !whole.partners.empty()) {
    // Delays outside the extrema the user set are refused before anything is kept.
    const SynapseInfo& model = *synapse_protos_[whole.synapse_model].info;
    if (whole.delays.empty()) check_user_delay(whole.delay);
    for (uint16_t d : whole.delays) check_user_delay(d);
    if (model.has_continuous_delay() && !whole.record.empty() && whole.record[model.continuous_delay_column] > 0.0)
      check_user_delay(whole.delay - 1);
  }
  // Every process numbers every call alike (see StagedCall::order).
  const uint64_t order = store_.next_order();
  if (ranks_ > 1)
    keep_local(
        whole, [this](uint32_t g) { return is_local(g); },
        [this](uint32_t g) { return pop_of(g).info().kind == NodeKind::kRecorder; });
  std::vector<uint32_t>().swap(whole.slots);
  if (ranks_ > 1) {
    // The delays of the call over all processes (as commit_one notes them in one process):
    // min and max delay must be the same everywhere, or the ranks' slices would differ.
    long lo = std::numeric_limits<long>::max(), hi = -1;
    if (!whole.partners.empty()) {
      auto see = [&](long d) {
        lo = std::min(lo, d);
        hi = std::max(hi, d);
      };
      if (whole.delays.empty()) see(whole.delay);
      for (uint16_t d : whole.delays) see(d);
      const SynapseInfo& model = *synapse_protos_[whole.synapse_model].info;
      if (model.has_continuous_delay() && !whole.record.empty() && whole.record[model.continuous_delay_column] > 0.0)
        see(whole.delay - 1);
    }
    Communicator& comm = communicator();
    hi = comm.max(hi);
    lo = -comm.max(-lo);
    if (hi >= 0) {
      if (conn_min_delay_ < 0 || lo < conn_min_delay_) conn_min_delay_ = lo;
      conn_max_delay_ = std::max(conn_max_delay_, hi);
    }
  }
  for (StagedCall& part : split_by_receptor(std::move(whole))) {
    part.order = order + part.receptor;
    commit_one(std::move(part));
  }
  for (uint32_t d : devices) device_synapse_.emplace(d, model_of_call);
  for (const auto& [key, port] : loggers) {
    logger_port_.emplace(key, port);
    uint32_t& n = loggers_of_[static_cast<uint32_t>(key)];
    n = std::max(n, port);
  }
}

void Simulator::commit_one(StagedCall&& call) {
  if (call.partners.empty()) {
    // Distributed: a process stages its (empty) part of every call, so that all of them
    // finalize together (a collective).
    if (ranks_ > 1) {
      const SynapseInfo& model = *synapse_protos_[call.synapse_model].info;
      special_synapses_ |= model.trigger != nullptr || model.serial;
      store_.stage(std::move(call));
    }
    return;
  }
  if (synapse_protos_[call.synapse_model].info->needs_eprop &&
      (call.delays.empty() ? call.delay != 1
                           : std::any_of(call.delays.begin(), call.delays.end(), [](uint16_t d) { return d != 1; })))
    throw IllegalConnection(synapse_protos_[call.synapse_model].name +
                            ": eprop synapses currently require a delay of one simulation step");
  // Distributed, commit() notes the delays of the whole call (all processes' parts).
  auto note = [&](long d) {
    if (ranks_ > 1) return;
    if (conn_min_delay_ < 0 || d < conn_min_delay_) conn_min_delay_ = d;
    if (d > conn_max_delay_) conn_max_delay_ = d;
  };
  if (call.delays.empty()) note(call.delay);
  const SynapseInfo& model = *synapse_protos_[call.synapse_model].info;
  // A continuous delay part may bring a spike one step earlier (NEST checks both steps).
  if (model.has_continuous_delay() && !call.record.empty() && call.record[model.continuous_delay_column] > 0.0)
    note(call.delay - 1);
  special_synapses_ |= model.trigger != nullptr || model.serial;
  for (uint16_t d : call.delays) note(d);
  if (synapse_protos_[call.synapse_model].info->needs_archive) {
    // The postsynaptic nodes keep their spike history from now on (NEST's
    // register_stdp_connection, with the synapse's initial last spike at 0).
    Population* tp = nullptr;
    SpikeArchive* archive = nullptr;
    ClopathArchive* clopath = nullptr;
    UrbanczikArchive* urbanczik = nullptr;
    // A target's row with one delay registers all its synapses at once.
    const bool rows_at_once = call.target_major && call.delays.empty();
    for (std::size_t o = 0; o < call.owners.size(); ++o)
      for (uint64_t k = call.offsets[o]; k < call.offsets[o + 1]; ++k) {
        const uint32_t t = call.target_major ? call.owners[o] : call.partners[k];
        if (!tp || !tp->contains(t)) {
          tp = &pop_of(t);
          archive = &tp->enable_archive();
          clopath = tp->clopath_archive();
          urbanczik = tp->urbanczik_archive();
        }
        const double d = grid_.delay_to_ms(call.delays.empty() ? call.delay : call.delays[k]);
        const uint64_t count = rows_at_once && !clopath && !urbanczik ? call.offsets[o + 1] - k : 1;
        archive->register_connection(t - tp->first_gid(), -d, d, static_cast<uint32_t>(count));
        if (clopath) clopath->register_connection(t - tp->first_gid());
        if (urbanczik) urbanczik->register_connection(t - tp->first_gid());
        k += count - 1;
      }
  }
  if (model.needs_eprop) {
    // NEST's register_eprop_connection: the targets keep their e-prop history from now on.
    for (std::size_t o = 0; o < call.owners.size(); ++o)
      for (uint64_t k = call.offsets[o]; k < call.offsets[o + 1]; ++k) {
        const uint32_t t = call.target_major ? call.owners[o] : call.partners[k];
        Population& tp = pop_of(t);
        tp.eprop_archive()->register_connection(t - tp.first_gid());
      }
  }
  store_.stage(std::move(call));
}

namespace {
// Distributed runs: the local part of a Connect call (the rule over this rank's targets and
// the checks of their ports and kinds) can fail on one rank only. Every rank learns the first
// failing rank's error before the call's first collective and raises it, with its class and
// the same text, so no rank is left waiting for a partner that gave up.
template <class F>
void agree_on_outcome(int ranks, F&& local_part) {
  if (ranks <= 1) return local_part();
  std::string mine;
  try {
    local_part();
  } catch (const Error& e) {
    mine = e.kind() + '\x1f' + e.what();
  } catch (const std::exception& e) {
    mine = std::string("KernelException\x1f") + e.what();
  }
  const std::string first = communicator().first_error(mine);  // "on MPI rank r: " + mine
  if (first.empty()) return;
  const std::size_t sep = first.find('\x1f'), prefix = first.find(": ") + 2;
  throw Error(first.substr(prefix, sep - prefix), first.substr(0, prefix) + first.substr(sep + 1));
}
}  // namespace

void Simulator::check_connect_sets(const NodeCollection& pre, const NodeCollection& post,
                                   const std::string& rule) const {
  if (pre.empty() || post.empty())
    throw IllegalConnection(std::string("Connect: the ") + (pre.empty() ? "presynaptic" : "postsynaptic") +
                            " NodeCollection is empty");
  for (const NodeCollection* nc : {&pre, &post}) pop_index(nc->ids().back());  // throws for unknown nodes
  // As NEST: only one_to_one and all_to_all reach nodes without proxies (recorders).
  if (rule == "one_to_one" || rule == "all_to_all") return;
  const Population* p = nullptr;
  for (uint32_t t : post.ids()) {
    if (p && p->contains(t)) continue;
    p = &pop_of(t);
    if (p->info().kind == NodeKind::kRecorder)
      throw IllegalConnection("Connect (rule " + rule + ") to " + p->model_name() + " (node " + std::to_string(t) +
                              "): Cannot use this rule to connect to nodes without proxies (usually devices).");
  }
}

void Simulator::connect(const NodeCollection& pre, const NodeCollection& post, const ConnSpec& conn,
                        const SynSpec& syn) {
  const Stopwatch::Scope timed(sw_connect_);
  check_connect_sets(pre, post, conn.rule);
  const int sid = synapse_id(syn.synapse_model);
  // make_symmetric (one_to_one): the connections, then the same from post to pre, as NEST.
  Dict params = conn.params;
  bool symmetric = false;
  if (auto it = params.find("make_symmetric"); it != params.end()) {
    if (const auto* b = std::get_if<bool>(&it->second))
      symmetric = *b;
    else if (const auto* l = std::get_if<long>(&it->second))
      symmetric = *l != 0;
    else
      throw BadProperty("conn_spec 'make_symmetric' must be a boolean");
    params.erase(it);
  }
  const SynapseProto& proto = synapse_protos_[sid];
  if (proto.info->requires_symmetric && !symmetric) {
    const bool scalar = syn.weight.kind != ParamSource::kArray && syn.weight.kind != ParamSource::kRandom &&
                        std::all_of(syn.params.begin(), syn.params.end(),
                                    [](const auto& kv) { return kv.second.kind == ParamSource::kScalar; });
    if (!(conn.rule == "all_to_all" && pre.ids() == post.ids() && scalar))
      throw BadProperty(proto.name +
                        ": Connections with this synapse model can only be created as one-to-one connections "
                        "with \"make_symmetric\" set to true or as all-to-all connections with equal source and "
                        "target populations and default or scalar parameters.");
  }
  // symmetric_pairwise_bernoulli makes both directions itself and requires the flag.
  const bool self_symmetric = conn.rule == "symmetric_pairwise_bernoulli";
  if (self_symmetric) {
    params["make_symmetric"] = symmetric;
    symmetric = false;
  }
  if (symmetric && conn.rule != "one_to_one")
    throw NotImplemented("make_symmetric: the rule '" + conn.rule +
                         "' does not support symmetric connections; use one_to_one");
  if (syn.pre_element.empty() != syn.post_element.empty())
    throw BadProperty("Structural plasticity requires both a pre- and postsynaptic element.");
  const uint32_t call_id = connect_calls_ + 1;
  StagedCall call, back;
  // Distributed: only the synapses of this process's targets are made (rules.hpp).
  const bool filter = ranks_ > 1 && filterable(syn);
  agree_on_outcome(ranks_, [&] {
    const std::vector<uint8_t> local = filter ? local_targets(*this, post) : std::vector<uint8_t>{};
    rules::generate(conn.rule, params, pre, post, seed_, call_id, threads_, call, filter ? &local : nullptr);
    finish_call(call, syn, call_id);
    if (symmetric) {
      const std::vector<uint8_t> back_local = filter ? local_targets(*this, pre) : std::vector<uint8_t>{};
      rules::generate(conn.rule, params, post, pre, seed_, call_id + 1, threads_, back, filter ? &back_local : nullptr);
      finish_call(back, syn, call_id + 1);
    }
  });
  if (!syn.pre_element.empty()) {
    // Each connection made occupies an element on both sides (NEST's connect_synaptic_element).
    std::vector<uint32_t> src, tgt;
    for (std::size_t o = 0; o < call.owners.size(); ++o)
      for (uint64_t k = call.offsets[o]; k < call.offsets[o + 1]; ++k) {
        src.push_back(call.target_major ? call.partners[k] : call.owners[o]);
        tgt.push_back(call.target_major ? call.owners[o] : call.partners[k]);
      }
    sp_count_connected(src, tgt, syn.pre_element, syn.post_element, 1);
  }
  if (symmetric) {
    connect_calls_ = call_id + 1;
    commit(std::move(call));
    commit(std::move(back));
    return;
  }
  connect_calls_ = call_id;
  commit(std::move(call));
}

void Simulator::connect(const NodeCollection& pre, const NodeCollection& post, const ConnSpec& conn,
                        const std::vector<SynSpec>& collocated) {
  const Stopwatch::Scope timed(sw_connect_);
  if (collocated.empty()) throw BadProperty("CollocatedSynapses: give at least one synapse specification");
  check_connect_sets(pre, post, conn.rule);
  for (const SynSpec& syn : collocated) synapse_id(syn.synapse_model);
  // One draw of the pairs; each specification is a call of its own (its own
  // random streams for weights and delays), and nothing is stored unless all pass.
  const uint32_t first_id = connect_calls_ + 1;
  StagedCall pairs;
  const bool filter = ranks_ > 1 && std::all_of(collocated.begin(), collocated.end(), filterable);
  std::vector<StagedCall> calls;
  agree_on_outcome(ranks_, [&] {
    const std::vector<uint8_t> local = filter ? local_targets(*this, post) : std::vector<uint8_t>{};
    rules::generate(conn.rule, conn.params, pre, post, seed_, first_id, threads_, pairs, filter ? &local : nullptr);
    calls.assign(collocated.size(), pairs);
    for (std::size_t k = 0; k < collocated.size(); ++k)
      finish_call(calls[k], collocated[k], first_id + static_cast<uint32_t>(k));
  });
  connect_calls_ = first_id + static_cast<uint32_t>(collocated.size()) - 1;
  for (StagedCall& c : calls) commit(std::move(c));
}

void Simulator::connect_arrays(const std::vector<uint32_t>& sources, const std::vector<uint32_t>& targets,
                               const SynSpec& syn) {
  const Stopwatch::Scope timed(sw_connect_);
  if (sources.size() != targets.size())
    throw BadProperty("connect_arrays: sources and targets must have the same length");
  for (std::size_t k = 0; k < sources.size(); ++k) {
    pop_index(sources[k]);
    pop_index(targets[k]);
  }
  // Grouped by source (stable), with any per-connection values in the same order.
  std::vector<std::size_t> order(sources.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return sources[a] < sources[b]; });
  StagedCall call;
  call.target_major = false;
  call.offsets.push_back(0);
  for (std::size_t j = 0; j < order.size(); ++j) {
    const uint32_t s = sources[order[j]];
    if (call.owners.empty() || call.owners.back() != s) {
      if (!call.owners.empty()) call.offsets.push_back(j);
      call.owners.push_back(s);
    }
    call.partners.push_back(targets[order[j]]);
  }
  if (!call.owners.empty()) call.offsets.push_back(order.size());
  SynSpec permuted = syn;
  for (ParamSource* ps : {&permuted.weight, &permuted.delay}) {
    if (ps->kind != ParamSource::kArray || ps->array.size() != order.size()) continue;
    std::vector<double> v(order.size());
    for (std::size_t j = 0; j < order.size(); ++j) v[j] = ps->array[order[j]];
    ps->array.swap(v);
  }
  const uint32_t call_id = connect_calls_ + 1;
  agree_on_outcome(ranks_, [&] { finish_call(call, permuted, call_id); });
  connect_calls_ = call_id;
  commit(std::move(call));
}

SynapseCollection Simulator::get_connections(const NodeCollection* sources, const NodeCollection* targets,
                                             const std::string* synapse_model, const long* synapse_label) {
  const int sid = synapse_model ? synapse_id(*synapse_model) : -1;
  finalize_store();
  SynapseCollection c;
  c.generation = store_.generation();
  // NEST lists connections by source, then by target. Rows are scanned in ascending source
  // order (a NodeCollection's ids ascend), so sorting each row by target as it is found is
  // enough (without the segment lookups of one global sort, which took most of
  // GetConnections' time on stores of many small segments).
  std::vector<std::pair<uint32_t, uint64_t>> row;  // (target, synapse) of one source's row
  auto scan_row = [&](uint32_t s) {
    const auto [a, b] = store_.row(s);
    for (uint32_t j = a; j < b; ++j) {
      const Segment& sg = store_.segments()[j];
      if (sid >= 0 && sg.synapse_model != sid) continue;
      const SynapseParam* label = nullptr;
      if (synapse_label) {
        label = synapse_protos_[sg.synapse_model].info->find("synapse_label");
        if (!label) continue;
      }
      for (uint32_t k = 0; k < sg.count; ++k) {
        const uint64_t i = sg.begin + k;
        const uint32_t t = store_.target(sg, i);
        if (targets && !targets->contains(t)) continue;
        if (label && static_cast<long>(store_.record_of(sg, i)[label->column]) != *synapse_label) continue;
        row.emplace_back(t, i);
      }
    }
    if (row.empty()) return;
    std::stable_sort(row.begin(), row.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
    for (const auto& ti : row) c.index.push_back(ti.second);
    row.clear();
  };
  if (sources)
    for (uint32_t s : sources->ids()) scan_row(s);
  else
    for (uint32_t s = 1; s < next_gid_; ++s) scan_row(s);
  return c;
}

namespace {
const std::vector<std::string>& generic_connection_keys() {
  static const std::vector<std::string> k = {"source",   "target", "weight",        "delay",     "synapse_model",
                                             "receptor", "port",   "target_thread", "synapse_id"};
  return k;
}
}  // namespace

ConnectionTable Simulator::connection_values(const SynapseCollection& c, const std::vector<std::string>& keys) const {
  if (c.generation != store_.generation() || store_.has_staged())
    throw KernelException("this SynapseCollection is outdated: connections changed since GetConnections");
  ConnectionTable t;
  t.keys = keys;
  if (t.keys.empty()) {
    t.keys = generic_connection_keys();
    std::vector<bool> seen(synapse_protos_.size(), false);
    for (uint64_t i : c.index) {
      const uint8_t m = store_.segment_of(i).synapse_model;
      if (seen[m]) continue;
      seen[m] = true;
      for (const SynapseParam& p : synapse_protos_[m].info->params)
        if (!p.hidden && std::find(t.keys.begin(), t.keys.end(), p.name) == t.keys.end()) t.keys.push_back(p.name);
    }
  }
  for (auto& k : t.keys) {
    if (std::find(generic_connection_keys().begin(), generic_connection_keys().end(), k) !=
        generic_connection_keys().end())
      continue;
    bool found = false;
    for (uint64_t i : c.index) {
      const SynapseParam* p = synapse_protos_[store_.segment_of(i).synapse_model].info->find(k);
      if (p && !p->hidden) {
        found = true;
        break;
      }
    }
    if (!found && !c.index.empty()) {
      std::vector<std::string> names = generic_connection_keys();
      const auto& info = *synapse_protos_[store_.segment_of(c.index[0]).synapse_model].info;
      for (auto& n : info.visible_names()) names.push_back(n);
      throw UnknownParameter("'" + k + "' is not a connection property." + did_you_mean(k, names));
    }
  }
  // Each synapse's segment, looked up once for all keys (neighbours in the list mostly share one).
  std::vector<const Segment*> segs(c.index.size());
  for (std::size_t n = 0; n < c.index.size(); ++n) {
    const Segment* prev = n ? segs[n - 1] : nullptr;
    const uint64_t i = c.index[n];
    segs[n] = prev && i >= prev->begin && i < prev->begin + prev->count ? prev : &store_.segment_of(i);
  }
  t.columns.assign(t.keys.size(), {});
  for (std::size_t j = 0; j < t.keys.size(); ++j) {
    const std::string& k = t.keys[j];
    auto& colv = t.columns[j];
    colv.reserve(c.index.size());
    for (std::size_t n = 0; n < c.index.size(); ++n) {
      const uint64_t i = c.index[n];
      const Segment& sg = *segs[n];
      const SynapseProto& proto = synapse_protos_[sg.synapse_model];
      if (k == "source")
        colv.emplace_back(static_cast<long>(sg.source));
      else if (k == "target")
        colv.emplace_back(static_cast<long>(store_.target(sg, i)));
      else if (k == "weight")
        colv.emplace_back(proto.info->weight_common ? proto.weight : store_.weight(sg, i));
      else if (k == "delay")
        colv.emplace_back(
            grid_.delay_to_ms(store_.delay(sg, i)) -
            (proto.info->has_continuous_delay() ? store_.record_of(sg, i)[proto.info->continuous_delay_column] : 0.0));
      else if (k == "synapse_model")
        colv.emplace_back(proto.name);
      else if (k == "receptor") {
        // A multimeter's connection reports the node's number for it (NEST's data logger port).
        const auto logger = logger_port_.empty()
                                ? logger_port_.end()
                                : logger_port_.find((static_cast<uint64_t>(sg.source) << 32) | store_.target(sg, i));
        colv.emplace_back(static_cast<long>(logger != logger_port_.end() ? logger->second : sg.receptor));
      } else if (k == "synapse_id" && !proto.info->find(k))  // a model's own synapse_id takes precedence
        colv.emplace_back(static_cast<long>(sg.synapse_model));
      else if (k == "port")
        colv.emplace_back(static_cast<long>(sg.pos + (i - sg.begin)));
      else if (k == "target_thread")
        colv.emplace_back(static_cast<long>(sg.thread));
      else if (const SynapseParam* p = proto.info->find(k); p && !p->hidden) {
        const double v = p->common ? proto.common[p->column] : store_.record_of(sg, i)[p->column];
        if (p->length > 1)
          colv.emplace_back(
              std::vector<long>(proto.common.begin() + p->column, proto.common.begin() + p->column + p->length));
        else if (p->boolean)
          colv.emplace_back(v != 0.0);
        else if (p->integer)
          colv.emplace_back(static_cast<long>(v));
        else
          colv.emplace_back(v);
      } else {
        colv.emplace_back(std::monostate{});
      }
    }
  }
  return t;
}

void Simulator::disconnect(const SynapseCollection& c) {
  // Distributed: collective (every process removes its part of the collection, and the
  // row positions close up over all of them, ConnectionStore::remove).
  if (c.generation != store_.generation() || store_.has_staged())
    throw KernelException("this SynapseCollection is outdated: connections changed since GetConnections");
  store_.remove(c.index);
}

void Simulator::set_connections(const SynapseCollection& c, const Dict& params) {
  if (c.generation != store_.generation() || store_.has_staged())
    throw KernelException("this SynapseCollection is outdated: connections changed since GetConnections");
  const std::size_t n = c.index.size();
  auto expand = [&](const Value& v, const std::string& key, const std::string& unit) {
    std::vector<double> out;
    if (auto arr = std::get_if<std::vector<double>>(&v))
      out = *arr;
    else if (auto la = std::get_if<std::vector<long>>(&v))
      out.assign(la->begin(), la->end());
    else if (auto q = std::get_if<Quantity>(&v); q && q->is_array)
      out = convert_quantity(*q, unit, key);
    else if (auto flag = std::get_if<bool>(&v))  // boolean states (init_flag)
      out.assign(n, *flag ? 1.0 : 0.0);
    else
      out.assign(n, coerce_number(v, unit, key));
    if (out.size() != n)
      throw BadProperty(key + ": " + std::to_string(out.size()) + " values for " + std::to_string(n) + " connections");
    return out;
  };
  // Transaction: every connection's new values are built and checked first.
  std::vector<double> weights, delays;
  std::vector<std::pair<std::string, std::vector<double>>> record_values;
  for (const auto& [key, v] : params) {
    if (key == "weight") {
      for (uint64_t i : c.index)
        if (const SynapseInfo& info = *synapse_protos_[store_.segment_of(i).synapse_model].info;
            !info.weight_refusal.empty())
          throw BadProperty(info.name + ": " + info.weight_refusal);
      weights = expand(v, key, "");
    } else if (key == "delay") {
      delays = expand(v, key, "ms");
    } else {
      std::string unit;
      for (uint64_t i : c.index) {
        const SynapseProto& proto = synapse_protos_[store_.segment_of(i).synapse_model];
        const SynapseParam* p = proto.info->find(key);
        if (!p || p->hidden) {
          std::vector<std::string> names = proto.info->visible_names();
          throw UnknownParameter("'" + key + "' cannot be set on " + proto.name + " connections." +
                                 did_you_mean(key, names));
        }
        if (p->common)  // NEST leaves the key unused: UnaccessedDictionaryEntry (nestkit's UnknownParameter)
          throw UnknownParameter(proto.name + ": '" + key +
                                 "' is a property common to all its connections; set it with SetDefaults");
        unit = p->unit;
      }
      record_values.emplace_back(key, expand(v, key, unit));
    }
  }
  std::vector<uint16_t> dsteps(delays.size());
  // cont_delay_synapse keeps a delay's continuous part: whole steps rounded up, the rest
  // subtracted at delivery (-1: a connection of another model).
  std::vector<double> continuous(delays.size(), -1.0);
  for (std::size_t m = 0; m < delays.size(); ++m) {
    if (!synapse_protos_[store_.segment_of(c.index[m]).synapse_model].info->has_continuous_delay() ||
        !std::isfinite(delays[m]))
      continue;
    double whole = 0.0;
    const double frac = std::modf(delays[m] / grid_.resolution(), &whole);
    continuous[m] = frac == 0.0 ? 0.0 : grid_.resolution() * (1.0 - frac);
    if (frac != 0.0) {
      if (whole < 1.0) throw BadDelay("Delay must be greater than or equal to resolution");
      delays[m] = grid_.delay_to_ms(static_cast<long>(whole) + 1);
    }
  }
  for (std::size_t m = 0; m < delays.size(); ++m) {
    const long d = std::isfinite(delays[m]) ? grid_.delay_to_steps(delays[m]) : -1;
    if (d < 1) throw BadDelay("Delay must be greater than or equal to resolution");
    if (d > 65535) throw BadDelay("delay exceeds nestkit's maximum of 65535 steps");
    if (simulated_ && (d < min_delay_ || d > max_delay_))
      throw BadDelay("Minimum and maximum delay cannot be changed after Simulate has been called.");
    check_user_delay(d);
    dsteps[m] = static_cast<uint16_t>(d);
  }
  for (std::size_t m = 0; m < n; ++m) {
    const uint64_t i = c.index[m];
    const SynapseProto& proto = synapse_protos_[store_.segment_of(i).synapse_model];
    if (!weights.empty() && proto.info->weight_common)
      throw UnknownParameter(proto.name + ": the weight is common to all its connections; set it with SetDefaults");
    std::vector<double> rec(store_.record_of(i), store_.record_of(i) + proto.info->record_size);
    for (const auto& [key, vals] : record_values) rec[proto.info->find(key)->column] = vals[m];
    const double w = weights.empty() ? store_.weight(i) : weights[m];
    check_synapse_values(proto, rec, w, grid_.delay_to_ms(dsteps.empty() ? store_.delay(i) : dsteps[m]));
  }
  for (std::size_t m = 0; m < weights.size(); ++m) store_.set_weight(c.index[m], weights[m]);
  for (std::size_t m = 0; m < dsteps.size(); ++m) {
    store_.set_delay(c.index[m], dsteps[m]);
    const long lowest = continuous[m] > 0.0 ? dsteps[m] - 1 : dsteps[m];
    conn_min_delay_ = std::min(conn_min_delay_ < 0 ? lowest : conn_min_delay_, lowest);
    conn_max_delay_ = std::max(conn_max_delay_, static_cast<long>(dsteps[m]));
    const int col = synapse_protos_[store_.segment_of(c.index[m]).synapse_model].info->continuous_delay_column;
    if (continuous[m] >= 0.0 && store_.record_of(c.index[m])[col] != continuous[m])
      store_.set_record_value(c.index[m], col, continuous[m]);
  }
  for (const auto& [key, vals] : record_values)
    for (std::size_t m = 0; m < n; ++m) {
      const uint64_t i = c.index[m];
      const SynapseParam* p = synapse_protos_[store_.segment_of(i).synapse_model].info->find(key);
      if (store_.record_of(i)[p->column] != vals[m]) store_.set_record_value(i, p->column, vals[m]);
    }
}

}  // namespace nestkit

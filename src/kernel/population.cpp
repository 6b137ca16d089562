#include "nestkit/population.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "nestkit/errors.hpp"

namespace nestkit {

void InputRing::resize(int channels, std::size_t n, long ring_size) {
  n_ = n;
  ring_ = ring_size;
  data_.assign(static_cast<std::size_t>(channels) * ring_size * n, 0.0);
}

namespace {
double as_double(const Value& v) {
  if (auto d = std::get_if<double>(&v)) return *d;
  if (auto l = std::get_if<long>(&v)) return static_cast<double>(*l);
  if (auto b = std::get_if<bool>(&v)) return *b ? 1.0 : 0.0;
  return 0.0;
}
Value from_double(PType t, double d) {
  if (t == PType::kLong) return static_cast<long>(d);
  if (t == PType::kBool) return d != 0.0;
  return d;
}
}  // namespace

void Population::init(std::string model_name, uint32_t first_gid, std::size_t n, const std::vector<Value>& defaults) {
  model_name_ = std::move(model_name);
  first_gid_ = first_gid;
  n_ = n;
  num_.assign(info_->num_columns, std::vector<double>(n, 0.0));
  obj_.assign(info_->obj_columns, std::vector<Value>(n));
  for (std::size_t i = 0; i < n; ++i) write_row(i, defaults);
}

std::vector<Value> Population::read_row(std::size_t i) const {
  std::vector<Value> row(info_->specs.size());
  for (std::size_t k = 0; k < info_->specs.size(); ++k) {
    const ParamSpec& s = info_->specs[k];
    if (s.derived) continue;
    row[k] = s.numeric() ? from_double(s.type, num_[s.column][i]) : obj_[s.column][i];
  }
  read_derived(i, row);
  return row;
}

void Population::validate_row(ParamRow& row) const {
  for (std::size_t k = 0; k < info_->specs.size(); ++k) {
    const ParamSpec& s = info_->specs[k];
    if (!s.numeric()) continue;
    const double v = as_double(row.values_[k]);
    const std::string why = s.constraint.violation(v);
    if (!why.empty()) {
      std::ostringstream m;
      m << info_->name << ": " << s.name << " = " << v << " " << why << ".";
      throw BadProperty(m.str());
    }
  }
  if (info_->validate) info_->validate(row);
}

double Population::numeric_value(std::size_t i, int k) const {
  const ParamSpec& s = info_->specs[k];
  if (!s.derived && s.numeric()) return num_[s.column][i];
  return as_double(read_row(i)[k]);
}

void Population::write_row(std::size_t i, const std::vector<Value>& row) {
  ++rows_written_;
  for (std::size_t k = 0; k < info_->specs.size(); ++k) {
    const ParamSpec& s = info_->specs[k];
    if (s.derived) continue;
    if (s.numeric())
      num_[s.column][i] = as_double(row[k]);
    else
      obj_[s.column][i] = row[k];
  }
  write_derived(i, row);
}

bool Population::accepts_spike_port(std::size_t, long r) const {
  const auto& v = info_->spike_receptors;
  return std::find(v.begin(), v.end(), r) != v.end();
}
bool Population::accepts_current_port(std::size_t, long r) const {
  const auto& v = info_->current_receptors;
  return info_->accepts_current && std::find(v.begin(), v.end(), r) != v.end();
}
std::string Population::spike_ports(std::size_t) const {
  std::string s;
  for (long r : info_->spike_receptors) s += (s.empty() ? "" : ", ") + std::to_string(r);
  return s.empty() ? "none" : s;
}

bool Population::has_recordable(std::size_t, const std::string& name) const {
  const auto& r = info_->recordables;
  return std::find(r.begin(), r.end(), name) != r.end();
}

int Population::recordable_index(std::size_t, const std::string& name) const {
  const auto& r = info_->recordables;
  const auto it = std::find(r.begin(), r.end(), name);
  return it == r.end() ? -1 : static_cast<int>(it - r.begin());
}

Events Population::recorded_events(std::size_t) const {
  throw BadProperty(model_name_ + " is not a recorder; it has no events");
}

bool Population::get_extra(std::size_t, const std::string&, Value&) const { return false; }
bool Population::set_extra(std::size_t, const std::string&, const Value&) { return false; }

void Population::sample(long step, std::size_t begin, std::size_t end) {
  double buf[64];
  for (SamplerLink& link : samplers_) {
    if (link.recordable.empty() || !link.meter->samples_at(link.meter_index, step)) continue;
    const std::size_t k = link.recordable.size();
    for (std::size_t j = 0; j < link.local.size(); ++j) {
      const std::size_t i = link.local[j];
      if (i < begin || i >= end) continue;
      for (std::size_t r = 0; r < k && r < 64; ++r) buf[r] = recordable(link.recordable[r], i);
      link.meter->push_sample(link.meter_index, link.target_slot[j], first_gid_ + static_cast<uint32_t>(i), step + 1,
                              buf, k);
    }
  }
}

}  // namespace nestkit

#include "config/host_policy.h"

#include <algorithm>

#include "config/json_read.h"

namespace ortbackend {

Status ParseCpuList(const std::string& text, const std::string& what, std::vector<int>* out) {
  out->clear();
  // A bound keeps a typo such as "0-1000000000" from allocating a huge list.
  constexpr int64_t kMaxCpu = 65535;
  const auto bad = [&](const std::string& why) {
    return Status::InvalidArgument(what + " '" + text + "' is not a CPU list such as '0-3,8' (" + why + ")");
  };
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = text.find(',', start);
    const std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    const size_t dash = item.find('-');
    int64_t lo = 0, hi = 0;
    if (!ParseInt64(item.substr(0, dash), &lo) ||
        (dash != std::string::npos && !ParseInt64(item.substr(dash + 1), &hi)))
      return bad("'" + item + "' is not a number or a range");
    if (dash == std::string::npos) hi = lo;
    if (lo < 0 || hi < lo || hi > kMaxCpu)
      return bad("'" + item + "' is not an ascending range of CPUs 0.." + std::to_string(kMaxCpu));
    for (int64_t c = lo; c <= hi; ++c) out->push_back(static_cast<int>(c));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  std::sort(out->begin(), out->end());
  out->erase(std::unique(out->begin(), out->end()), out->end());
  return Status::Ok();
}

Status ParseHostPolicy(const nlohmann::json& message, HostPolicy* out) {
  *out = HostPolicy();
  if (!message.is_object()) return Status::InvalidArgument("the instance's host policy is not a JSON object");
  if (message.empty()) return Status::Ok();
  if (message.size() != 1)
    return Status::InvalidArgument("the instance's host policy names " + std::to_string(message.size()) +
                                   " policies; the server gives exactly one");
  const auto it = message.begin();
  const std::string name = it.key();
  const nlohmann::json& settings = it.value();
  out->name = name;
  if (!settings.is_object()) return Status::Ok();
  const std::string context = "host policy '" + name + "'";
  for (const auto& [key, value] : settings.items()) {
    const std::string text = value.is_string() ? value.get<std::string>() : value.dump();
    if (key == "cpu-cores") {
      ORTB_RETURN_IF_ERROR(ParseCpuList(text, context + " cpu-cores", &out->cpu_cores));
    } else if (key == "numa-node") {
      int64_t node = -1;
      if (!ParseInt64(text, &node) || node < 0 || node > 65535)
        return Status::InvalidArgument(context + " numa-node '" + text + "' is not a NUMA node number");
      out->numa_node = static_cast<int>(node);
    } else {
      out->other_settings.push_back(key + "=" + text);
    }
  }
  return Status::Ok();
}

std::string IntraOpThreadAffinities(const std::vector<int>& cores, int threads) {
  std::string s;
  if (cores.empty()) return s;
  for (int k = 1; k < threads; ++k) {
    if (!s.empty()) s += ';';
    s += std::to_string(cores[static_cast<size_t>(k) % cores.size()] + 1);
  }
  return s;
}

}  // namespace ortbackend

#include "config/batch_io_config.h"

#include <algorithm>

#include "common/data_type.h"
#include "config/json_read.h"

namespace ortbackend {
namespace {

struct KindName {
  BatchInputConfig::Kind kind;
  const char* name;
};

constexpr KindName kKinds[] = {
    {BatchInputConfig::Kind::kElementCount, "BATCH_ELEMENT_COUNT"},
    {BatchInputConfig::Kind::kAccumulatedElementCount, "BATCH_ACCUMULATED_ELEMENT_COUNT"},
    {BatchInputConfig::Kind::kAccumulatedElementCountWithZero, "BATCH_ACCUMULATED_ELEMENT_COUNT_WITH_ZERO"},
    {BatchInputConfig::Kind::kMaxElementCountAsShape, "BATCH_MAX_ELEMENT_COUNT_AS_SHAPE"},
    {BatchInputConfig::Kind::kItemShape, "BATCH_ITEM_SHAPE"},
    {BatchInputConfig::Kind::kItemShapeFlatten, "BATCH_ITEM_SHAPE_FLATTEN"},
};

bool Contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// A repeated string field: the JSON form of the config has a list; a single
// string is accepted too, as people write it by hand.
Status ReadNames(const nlohmann::json& entry, const char* key, const std::string& what, std::vector<std::string>* out) {
  out->clear();
  auto it = entry.find(key);
  if (it == entry.end() || it->is_null()) return Status::Ok();
  if (it->is_string()) {
    out->push_back(it->get<std::string>());
  } else if (it->is_array()) {
    for (const auto& n : *it) {
      if (!n.is_string()) return Status::InvalidArgument(what + ": " + key + " must be a list of names");
      out->push_back(n.get<std::string>());
    }
  } else {
    return Status::InvalidArgument(what + ": " + key + " must be a list of names");
  }
  for (const auto& n : *out)
    if (n.empty()) return Status::InvalidArgument(what + ": " + key + " has an empty name");
  return Status::Ok();
}

// Every kind reads exactly one configured input.
Status ReadSource(const nlohmann::json& entry, const std::string& what, const std::vector<std::string>& input_names,
                  std::string* out) {
  std::vector<std::string> sources;
  ORTB_RETURN_IF_ERROR(ReadNames(entry, "source_input", what, &sources));
  if (sources.size() != 1)
    return Status::InvalidArgument(what + " needs exactly one source_input, got " + std::to_string(sources.size()));
  if (!Contains(input_names, sources[0]))
    return Status::InvalidArgument(what + ": source_input '" + sources[0] + "' is not a configured input");
  *out = sources[0];
  return Status::Ok();
}

Status ReadTargets(const nlohmann::json& entry, const std::string& what, std::vector<std::string>* out) {
  Status s = ReadNames(entry, "target_name", what, out);
  if (s.ok() && out->empty()) s = Status::InvalidArgument(what + " has no target_name");
  return s;
}

// Parses each entry of a `batch_input`/`batch_output` list (absent or null:
// none) with parse(entry, "<list> <index>", &item), appending to `out`.
template <typename T, typename Parse>
Status ParseList(const nlohmann::json& list, const char* name, std::vector<T>* out, Parse&& parse) {
  out->clear();
  if (list.is_null()) return Status::Ok();
  if (!list.is_array()) return Status::InvalidArgument(std::string(name) + " must be a list");
  for (const auto& entry : list) {
    const std::string what = std::string(name) + " " + std::to_string(out->size());
    if (!entry.is_object()) return Status::InvalidArgument(what + " must be an object");
    T item;
    ORTB_RETURN_IF_ERROR(parse(entry, what, &item));
    out->push_back(std::move(item));
  }
  return Status::Ok();
}

}  // namespace

const char* BatchInputKindName(BatchInputConfig::Kind kind) {
  for (const auto& k : kKinds)
    if (k.kind == kind) return k.name;
  return "?";
}

Status ParseBatchInputs(const nlohmann::json& list, const std::vector<std::string>& input_names,
                        std::vector<BatchInputConfig>* out) {
  return ParseList(
      list, "batch_input", out, [&](const nlohmann::json& entry, const std::string& what, BatchInputConfig* item) {
        BatchInputConfig& b = *item;
        const std::string kind = StringMember(entry, "kind");
        const KindName* k =
            std::find_if(std::begin(kKinds), std::end(kKinds), [&](const KindName& n) { return kind == n.name; });
        if (k == std::end(kKinds))
          return Status::InvalidArgument(what + " has unknown kind '" + kind +
                                         "'; expected BATCH_ELEMENT_COUNT, BATCH_ACCUMULATED_ELEMENT_COUNT, "
                                         "BATCH_ACCUMULATED_ELEMENT_COUNT_WITH_ZERO, BATCH_MAX_ELEMENT_COUNT_AS_SHAPE, "
                                         "BATCH_ITEM_SHAPE or BATCH_ITEM_SHAPE_FLATTEN");
        b.kind = k->kind;
        ORTB_RETURN_IF_ERROR(ReadTargets(entry, what, &b.target_names));
        const std::string named = "batch_input '" + b.target_names[0] + "'";
        const std::string dt = StringMember(entry, "data_type");
        auto dtype = DataTypeFromConfig(dt);
        if (!dtype || (*dtype != TRITONSERVER_TYPE_FP32 && *dtype != TRITONSERVER_TYPE_INT32 &&
                       *dtype != TRITONSERVER_TYPE_INT64))
          return Status::InvalidArgument(named + " has data_type '" + dt +
                                         "'; expected TYPE_FP32, TYPE_INT32 or TYPE_INT64");
        b.dtype = *dtype;
        ORTB_RETURN_IF_ERROR(ReadSource(entry, named, input_names, &b.source_input));
        for (const auto& t : b.target_names)
          if (Contains(input_names, t))
            return Status::InvalidArgument(
                named + ": target_name '" + t +
                "' is also listed under input; the backend computes it, clients do not send it");
        return Status::Ok();
      });
}

Status ParseBatchOutputs(const nlohmann::json& list, const std::vector<std::string>& input_names,
                         const std::vector<std::string>& output_names, std::vector<BatchOutputConfig>* out) {
  return ParseList(
      list, "batch_output", out, [&](const nlohmann::json& entry, const std::string& what, BatchOutputConfig* item) {
        BatchOutputConfig& b = *item;
        ORTB_RETURN_IF_ERROR(ReadTargets(entry, what, &b.target_names));
        const std::string named = "batch_output '" + b.target_names[0] + "'";
        const std::string kind = StringMember(entry, "kind");
        if (kind != "BATCH_SCATTER_WITH_INPUT_SHAPE")
          return Status::InvalidArgument(named + " has kind '" + kind + "'; expected BATCH_SCATTER_WITH_INPUT_SHAPE");
        ORTB_RETURN_IF_ERROR(ReadSource(entry, named, input_names, &b.source_input));
        for (const auto& t : b.target_names)
          if (!Contains(output_names, t))
            return Status::InvalidArgument(named + ": target_name '" + t + "' is not a configured output");
        return Status::Ok();
      });
}

std::vector<std::string> BatchInputTargetNames(const nlohmann::json& config) {
  std::vector<std::string> names;
  if (!config.is_object()) return names;
  auto list = config.find("batch_input");
  if (list == config.end() || !list->is_array()) return names;
  for (const auto& entry : *list) {
    std::vector<std::string> targets;
    if (entry.is_object() && ReadNames(entry, "target_name", "", &targets).ok())
      names.insert(names.end(), targets.begin(), targets.end());
  }
  return names;
}

}  // namespace ortbackend

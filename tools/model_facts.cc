#include "model_facts.h"

#include "common/data_type.h"

namespace ortbackend {
namespace {

nlohmann::json TensorFacts(const ModelTensorInfo& t) {
  nlohmann::json j;
  j["name"] = t.name;
  j["type"] = t.is_tensor ? OrtTypeName(t.ort_type) : "non-tensor";
  j["shape"] = t.shape;
  j["dim_names"] = t.dim_names;
  nlohmann::json dynamic = nlohmann::json::array();
  for (size_t i = 0; i < t.shape.size(); ++i)
    if (t.shape[i] < 0) dynamic.push_back(i);
  j["dynamic_dims"] = std::move(dynamic);
  return j;
}

nlohmann::json TensorListFacts(const std::vector<ModelTensorInfo>& list) {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& t : list) j.push_back(TensorFacts(t));
  return j;
}

// An overridable initializer as an optional input: the config entry that
// lets requests override it, or why a batching model cannot take one.
nlohmann::json OptionalInputFacts(const ModelTensorInfo& t, int64_t max_batch_size) {
  nlohmann::json j = TensorFacts(t);
  const bool batching = max_batch_size > 0;
  if (!t.is_tensor || t.dtype == TRITONSERVER_TYPE_INVALID) {
    j["not_servable"] = "its element type has no Triton equivalent";
    return j;
  }
  if (batching && (t.shape.empty() || t.shape[0] != -1)) {
    j["not_servable"] = "a batching model's inputs need a dynamic first dim, and this one's is fixed";
    return j;
  }
  nlohmann::json dims = nlohmann::json::array();
  for (size_t i = batching ? 1 : 0; i < t.shape.size(); ++i) dims.push_back(t.shape[i]);
  // Triton needs at least one dim; a scalar is sent as [1].
  if (dims.empty()) dims.push_back(1);
  j["config"] = {{"name", t.name}, {"data_type", DataTypeToConfig(t.dtype)}, {"dims", dims}, {"optional", true}};
  if (batching && t.shape.size() == 1) j["config"]["reshape"] = {{"shape", nlohmann::json::array()}};
  return j;
}

// "[batch,4]": a symbolic dim by its name, an unnamed dynamic dim as "?".
std::string ShapeWithNames(const nlohmann::json& t) {
  const auto& shape = t["shape"];
  const auto& names = t["dim_names"];
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ",";
    const int64_t d = shape[i].get<int64_t>();
    const std::string name = i < names.size() ? names[i].get<std::string>() : "";
    s += d >= 0 ? std::to_string(d) : (name.empty() ? "?" : name);
  }
  return s + "]";
}

std::string DomainName(const std::string& domain) { return domain.empty() ? "ai.onnx" : domain; }

void Line(std::string* out, const std::string& label, const std::string& value) {
  std::string padded = label + ":";
  if (padded.size() < 16) padded.resize(16, ' ');
  *out += "#   " + padded + " " + value + "\n";
}

// Member `key` of `j` as a string ("" when absent or not a string).
std::string Text(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

std::string OneLine(std::string s) {
  for (char& c : s)
    if (c == '\n' || c == '\r') c = ' ';
  return s;
}

}  // namespace

nlohmann::json ModelFactsToJson(const std::string& path, const ModelIoInfo& io, const ModelMetadataInfo& metadata,
                                const OnnxFileSummary* summary, const std::string& summary_error,
                                int64_t max_batch_size) {
  nlohmann::json j;
  j["file"] = path;
  j["producer_name"] = metadata.producer_name;
  j["graph_name"] = metadata.graph_name;
  j["domain"] = metadata.domain;
  j["model_version"] = metadata.version ? nlohmann::json(*metadata.version) : nlohmann::json();
  j["description"] = metadata.description;
  j["graph_description"] = metadata.graph_description;
  j["metadata_props"] = metadata.custom;
  j["inputs"] = TensorListFacts(io.inputs);
  j["outputs"] = TensorListFacts(io.outputs);
  j["optional_inputs"] = nlohmann::json::array();
  for (const auto& t : io.initializers) j["optional_inputs"].push_back(OptionalInputFacts(t, max_batch_size));
  if (summary == nullptr) {
    j["file_error"] = summary_error;
    return j;
  }
  j["file_bytes"] = summary->file_bytes;
  j["ir_version"] = summary->ir_version;
  j["producer_version"] = summary->producer_version;
  nlohmann::json opsets = nlohmann::json::array();
  for (const auto& o : summary->opset_imports)
    opsets.push_back({{"domain", DomainName(o.domain)}, {"version", o.version}});
  j["opset_import"] = std::move(opsets);
  j["initializers"] = {
      {"count", summary->initializer_count},
      {"sparse_count", summary->sparse_initializer_count},
      {"bytes", summary->initializer_bytes},
      {"external_bytes", summary->external_initializer_bytes},
      {"unsized_count", summary->unsized_initializer_count},
      {"counted",
       "main-graph initializers, dims x element size (strings: their lengths); "
       "subgraph initializers and Constant nodes are not counted"},
  };
  return j;
}

std::string ModelFactsToComments(const nlohmann::json& f) {
  std::string out = "# ONNX model (facts for the reader; not part of the config):\n";
  std::string file = Text(f, "file");
  if (f.contains("file_bytes")) file += " (" + f["file_bytes"].dump() + " bytes)";
  Line(&out, "file", file);
  if (f.contains("ir_version")) Line(&out, "ir_version", f["ir_version"].dump());
  if (f.contains("opset_import")) {
    std::string opsets;
    for (const auto& o : f["opset_import"])
      opsets += (opsets.empty() ? "" : ", ") + o["domain"].get<std::string>() + " " + o["version"].dump();
    Line(&out, "opset_import", opsets.empty() ? "(none)" : opsets);
  }
  std::string producer = Text(f, "producer_name");
  if (!Text(f, "producer_version").empty()) producer += " " + Text(f, "producer_version");
  Line(&out, "producer", producer.empty() ? "(none)" : OneLine(producer));
  Line(&out, "graph name", OneLine(Text(f, "graph_name")));
  if (!Text(f, "domain").empty()) Line(&out, "domain", OneLine(Text(f, "domain")));
  if (f.contains("model_version") && !f["model_version"].is_null())
    Line(&out, "model_version", f["model_version"].dump());
  if (!Text(f, "description").empty()) Line(&out, "description", OneLine(Text(f, "description")));
  for (const auto& [key, value] : f["metadata_props"].items())
    Line(&out, "metadata", OneLine(key + " = " + value.get<std::string>()));
  out += "#   dims below: a name is a symbolic (dynamic) dim, ? an unnamed dynamic dim\n";
  for (const char* kind : {"inputs", "outputs"}) {
    out += std::string("#   ") + kind + ":\n";
    for (const auto& t : f[kind])
      out += "#     " + t["name"].get<std::string>() + "  " + t["type"].get<std::string>() + "  " + ShapeWithNames(t) +
             "\n";
  }
  if (f.contains("optional_inputs") && !f["optional_inputs"].empty()) {
    out +=
        "#   optional inputs (overridable initializers: a request may send one to override its stored value;\n"
        "#   left out of the config above, as the original backend does; add one under input to use it):\n";
    for (const auto& t : f["optional_inputs"]) {
      std::string entry = t.contains("config") ? "input " + t["config"].dump()
                                               : "cannot be an input: " + t["not_servable"].get<std::string>();
      out += "#     " + t["name"].get<std::string>() + "  " + t["type"].get<std::string>() + "  " + ShapeWithNames(t) +
             "  " + entry + "\n";
    }
  }
  if (f.contains("initializers")) {
    const auto& i = f["initializers"];
    const uint64_t count = i["count"].get<uint64_t>();
    std::string text = std::to_string(count) + (count == 1 ? " tensor" : " tensors");
    if (i["sparse_count"].get<uint64_t>() > 0) text += " + " + i["sparse_count"].dump() + " sparse";
    text += ", " + i["bytes"].dump() + " bytes";
    if (i["external_bytes"].get<uint64_t>() > 0) text += " (" + i["external_bytes"].dump() + " in external data)";
    if (i["unsized_count"].get<uint64_t>() > 0)
      text += "; " + i["unsized_count"].dump() + " of unknown size not counted";
    Line(&out, "initializers", text);
    out += "#   (" + i["counted"].get<std::string>() + ")\n";
  }
  if (f.contains("file_error")) Line(&out, "file not read", OneLine(Text(f, "file_error")));
  return out;
}

}  // namespace ortbackend

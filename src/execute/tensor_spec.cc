#include "execute/tensor_spec.h"

#include <cstring>

#include "autocomplete/autocomplete.h"
#include "common/data_type.h"

namespace ortbackend {
namespace {

TensorSpec MakeSpec(const TensorConfig& c, const ModelTensorInfo* model, bool batching) {
  TensorSpec s;
  s.name = c.name;
  s.dtype = c.dtype;
  s.ort_type = ToOrtType(c.dtype);
  s.element_size = ElementByteSize(c.dtype);
  s.dims = c.model_dims();
  s.optional = c.optional;
  if (model == nullptr) return s;
  if (ImplicitScalar(c, *model, batching)) {
    s.implicit_scalar = true;
    s.dims.clear();
    return s;
  }
  const size_t offset = batching ? 1 : 0;
  if (model->shape.size() == s.dims.size() + offset)
    for (size_t i = 0; i < s.dims.size(); ++i)
      if (s.dims[i] == -1 && model->shape[i + offset] >= 0) s.dims[i] = model->shape[i + offset];
  return s;
}

// Fills t.shape_recipe from the model's declared output shape, or leaves it
// empty when a dim is neither fixed nor named like an input dim.
void DeriveShapeRecipe(const ModelTensorInfo& out, const ExecutionSpec& spec, const ModelIoInfo& io,
                       TensorSpec* t) {
  std::vector<DimSource> recipe;
  for (size_t k = 0; k < out.shape.size(); ++k) {
    DimSource d;
    if (spec.batching() && k == 0) {
      d.kind = DimSource::kBatch;
    } else if (out.shape[k] >= 0) {
      d.kind = DimSource::kFixed;
      d.value = out.shape[k];
    } else {
      const std::string& name = k < out.dim_names.size() ? out.dim_names[k] : std::string();
      if (name.empty()) return;
      bool found = false;
      for (size_t i = 0; i < spec.inputs.size() && !found; ++i) {
        const ModelTensorInfo* in = io.FindInput(spec.inputs[i].name);
        if (in == nullptr || spec.inputs[i].optional || spec.inputs[i].implicit_scalar) continue;
        for (size_t j = 0; j < in->dim_names.size() && !found; ++j) {
          if (in->dim_names[j] != name) continue;
          found = true;
          if (spec.batching() && j == 0) {
            d.kind = DimSource::kBatch;
          } else {
            d.kind = DimSource::kInputDim;
            d.input = static_cast<int>(i);
            d.dim = static_cast<int>(j);
          }
        }
      }
      if (!found) return;
    }
    recipe.push_back(d);
  }
  t->shape_recipe = std::move(recipe);
}

int FindIn(const std::vector<TensorSpec>& v, const char* name) {
  for (size_t i = 0; i < v.size(); ++i)
    if (std::strcmp(v[i].name.c_str(), name) == 0) return static_cast<int>(i);
  return -1;
}

// Marks the outputs that feed a sequence state, adding those the config does
// not list as outputs of their own (computed every run, never sent).
void AddStateOutputs(const ModelConfig& config, const ModelIoInfo& io, ExecutionSpec* spec) {
  for (const auto& st : config.states) {
    int o = FindIn(spec->outputs, st.output.name.c_str());
    if (o < 0) {
      spec->outputs.push_back(MakeSpec(st.output, io.FindOutput(st.output.name), config.batching()));
      spec->outputs.back().requestable = false;
      o = static_cast<int>(spec->outputs.size()) - 1;
    }
    spec->outputs[o].feeds_state = true;
    spec->has_states = true;
  }
}

}  // namespace

int ExecutionSpec::FindInput(const char* name) const { return FindIn(inputs, name); }
int ExecutionSpec::FindOutput(const char* name) const {
  const int o = FindIn(outputs, name);
  return o >= 0 && outputs[o].requestable ? o : -1;
}

ExecutionSpec BuildExecutionSpec(const ModelConfig& config, const ModelIoInfo& io) {
  ExecutionSpec spec;
  spec.model_name = config.name;
  spec.max_batch_size = config.max_batch_size;
  // Control and state inputs arrive in each request like any other input.
  for (const auto* list : {&config.inputs, &config.control_inputs})
    for (const auto& c : *list) spec.inputs.push_back(MakeSpec(c, io.FindInput(c.name), config.batching()));
  for (const auto& st : config.states)
    spec.inputs.push_back(MakeSpec(st.input, io.FindInput(st.input.name), config.batching()));
  for (const auto& c : config.outputs) spec.outputs.push_back(MakeSpec(c, io.FindOutput(c.name), config.batching()));
  AddStateOutputs(config, io, &spec);
  for (auto& o : spec.outputs) {
    const ModelTensorInfo* m = io.FindOutput(o.name);
    if (m != nullptr && !o.implicit_scalar && !o.is_bytes()) DeriveShapeRecipe(*m, spec, io, &o);
  }
  for (const auto& o : spec.outputs) spec.output_names.push_back(o.name.c_str());
  for (auto& t : spec.inputs) t.context = TensorContext(spec.model_name, "input", t.name);
  for (auto& t : spec.outputs) t.context = TensorContext(spec.model_name, "output", t.name);
  return spec;
}

std::string TensorContext(const std::string& model, const char* kind, const std::string& tensor) {
  return "model '" + model + "', " + kind + " '" + tensor + "'";
}

}  // namespace ortbackend

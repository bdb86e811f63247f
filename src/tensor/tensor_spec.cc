#include "tensor/tensor_spec.h"

#include <cstring>

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
  s.ragged = batching && c.allow_ragged_batch;
  if (model == nullptr) return s;
  s.has_default = model->initializer;
  if (ImplicitScalar(c, *model, batching)) {
    // dims stay the config's all-ones shape, which requests and responses use.
    s.implicit_scalar = true;
    s.dims = c.dims;
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
void DeriveShapeRecipe(const ModelTensorInfo& out, const ExecutionSpec& spec, const ModelIoInfo& io, TensorSpec* t) {
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
        if (in == nullptr || spec.inputs[i].optional || spec.inputs[i].implicit_scalar || spec.inputs[i].ragged)
          continue;
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

// Links each batch_output target to its source input.
void AddBatchOutputs(const ModelConfig& config, ExecutionSpec* spec) {
  for (const auto& b : config.batch_outputs) {
    const int source = FindIn(spec->inputs, b.source_input.c_str());
    for (const auto& name : b.target_names) {
      const int o = FindIn(spec->outputs, name.c_str());
      if (o < 0 || source < 0) continue;  // validation has refused such a config
      TensorSpec& t = spec->outputs[o];
      t.scatter_source = source;
      t.scatter_shape.clear();
      if (spec->batching()) t.scatter_shape.push_back(-1);
      for (const auto& c : config.outputs)
        if (c.name == name) t.scatter_shape.insert(t.scatter_shape.end(), c.model_dims().begin(), c.model_dims().end());
    }
  }
}

void AddBatchInputs(const ModelConfig& config, ExecutionSpec* spec) {
  for (const auto& b : config.batch_inputs) {
    for (const auto& name : b.target_names) {
      BatchInputSpec s;
      s.kind = b.kind;
      s.target = name;
      s.dtype = b.dtype;
      s.ort_type = ToOrtType(b.dtype);
      s.element_size = ElementByteSize(b.dtype);
      s.source = FindIn(spec->inputs, b.source_input.c_str());
      s.context = TensorContext(spec->model_name, "batch_input", name);
      spec->batch_inputs.push_back(std::move(s));
    }
  }
}

}  // namespace

bool ImplicitScalar(const TensorConfig& c, const ModelTensorInfo& t, bool batching) {
  if (batching || !t.shape.empty() || c.has_reshape || c.dims.empty()) return false;
  for (int64_t d : c.dims)
    if (d != 1) return false;
  return true;
}

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
  AddBatchOutputs(config, &spec);
  AddBatchInputs(config, &spec);
  for (auto& o : spec.outputs) {
    const ModelTensorInfo* m = io.FindOutput(o.name);
    // A batch output's slices follow the requests' input shapes, not the
    // model's output shape, so it has no recipe; a lone request's slice is
    // the whole output, bound by its source input's shape.
    if (m != nullptr && !o.implicit_scalar && !o.is_bytes() && o.scatter_source < 0)
      DeriveShapeRecipe(*m, spec, io, &o);
    if (m != nullptr && o.scatter_source >= 0) o.scatter_model_shape = m->shape;
  }
  for (const auto& o : spec.outputs) spec.output_names.push_back(o.name.c_str());
  for (auto& t : spec.inputs) t.context = TensorContext(spec.model_name, "input", t.name);
  for (auto& t : spec.outputs) t.context = TensorContext(spec.model_name, "output", t.name);
  return spec;
}

void ModelShapeFor(const ExecutionSpec& spec, const TensorSpec& t, DimsView request_shape, int64_t batch, Shape* out) {
  out->clear();
  if (t.implicit_scalar) return;  // all ones on the wire, rank 0 for the model
  out->assign(request_shape.begin(), request_shape.end());
  if (spec.batching() && !out->empty()) (*out)[0] = batch;
}

std::string TensorContext(const std::string& model, const char* kind, const std::string& tensor) {
  return "model '" + model + "', " + kind + " '" + tensor + "'";
}

}  // namespace ortbackend

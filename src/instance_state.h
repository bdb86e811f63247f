#pragma once
// One model instance: its ORT session and the buffers it reuses across
// calls. Execute is a short pipeline per group of compatible requests:
// gather inputs -> run -> scatter outputs -> report statistics; then every
// response is sent and every request released.

#include <memory>
#include <vector>

#include <onnxruntime_cxx_api.h>

#include "common/status.h"
#include "execute/input_gatherer.h"
#include "execute/output_scatterer.h"
#include "execute/request_batch.h"
#include "execute/tensor_spec.h"
#include "model_state.h"

namespace ortbackend {

class ModelInstanceState {
 public:
  static Status Create(ModelState* model, TRITONBACKEND_ModelInstance* instance,
                       std::unique_ptr<ModelInstanceState>* out);

  // Takes ownership of the requests; all are responded to and released.
  void Execute(TRITONBACKEND_Request** requests, uint32_t count);

 private:
  ModelInstanceState(ModelState* model, TRITONBACKEND_ModelInstance* instance);
  void RunGroup(size_t g);

  ModelState* model_;
  TRITONBACKEND_ModelInstance* instance_;
  std::string name_;
  std::shared_ptr<Ort::Session> session_;
  Ort::RunOptions run_options_{nullptr};
  ExecutionSpec spec_;
  RequestBatch batch_;
  InputGatherer gatherer_;
  OutputScatterer scatterer_;
};

}  // namespace ortbackend

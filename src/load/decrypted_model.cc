#include "load/decrypted_model.h"

#include <sys/mman.h>

#include <algorithm>
#include <filesystem>

#include "common/mapped_file.h"
#include "common/protobuf_wire.h"
#include "load/weights_by_reference.h"

namespace ortbackend {
namespace {

namespace fs = std::filesystem;

// Inline weights from this size up are read from the decrypted buffer (the
// size onnx moves to external data by default); smaller ones stay in the model.
constexpr size_t kMinReferencedBytes = 1024;

bool ScanGraph(WireReader graph, int depth, std::vector<std::string>* out);

// TensorProto: 13 external_data (StringStringEntryProto: 1 key, 2 value).
bool ScanTensor(WireReader tensor, std::vector<std::string>* out) {
  while (!tensor.done()) {
    uint32_t field;
    int wire;
    if (!tensor.Tag(&field, &wire)) return false;
    if (!(field == 13 && wire == kLengthDelimited)) {
      if (!tensor.Skip(wire)) return false;
      continue;
    }
    WireReader entry(nullptr, nullptr);
    if (!tensor.Message(&entry)) return false;
    std::string key, value;
    while (!entry.done()) {
      if (!entry.Tag(&field, &wire)) return false;
      if (field == 1 && wire == kLengthDelimited) {
        if (!entry.String(&key)) return false;
      } else if (field == 2 && wire == kLengthDelimited) {
        if (!entry.String(&value)) return false;
      } else if (!entry.Skip(wire)) {
        return false;
      }
    }
    if (key == "location" && std::find(out->begin(), out->end(), value) == out->end()) out->push_back(value);
  }
  return true;
}

// AttributeProto: 5 t, 6 g, 10 tensors, 11 graphs.
bool ScanAttribute(WireReader attribute, int depth, std::vector<std::string>* out) {
  while (!attribute.done()) {
    uint32_t field;
    int wire;
    if (!attribute.Tag(&field, &wire)) return false;
    WireReader inner(nullptr, nullptr);
    if ((field == 5 || field == 10) && wire == kLengthDelimited) {
      if (!attribute.Message(&inner) || !ScanTensor(inner, out)) return false;
    } else if ((field == 6 || field == 11) && wire == kLengthDelimited) {
      if (!attribute.Message(&inner) || !ScanGraph(inner, depth + 1, out)) return false;
    } else if (!attribute.Skip(wire)) {
      return false;
    }
  }
  return true;
}

// GraphProto: 1 node (NodeProto: 5 attribute), 5 initializer,
// 15 sparse_initializer (SparseTensorProto: 1 values, 2 indices).
bool ScanGraph(WireReader graph, int depth, std::vector<std::string>* out) {
  if (depth > 64) return false;  // deeper than any real model: refuse rather than recurse on
  while (!graph.done()) {
    uint32_t field;
    int wire;
    if (!graph.Tag(&field, &wire)) return false;
    WireReader inner(nullptr, nullptr);
    if (field == 5 && wire == kLengthDelimited) {
      if (!graph.Message(&inner) || !ScanTensor(inner, out)) return false;
    } else if ((field == 1 || field == 15) && wire == kLengthDelimited) {
      if (!graph.Message(&inner)) return false;
      while (!inner.done()) {
        uint32_t f;
        int w;
        if (!inner.Tag(&f, &w)) return false;
        WireReader part(nullptr, nullptr);
        if (field == 1 && f == 5 && w == kLengthDelimited) {
          if (!inner.Message(&part) || !ScanAttribute(part, depth, out)) return false;
        } else if (field == 15 && (f == 1 || f == 2) && w == kLengthDelimited) {
          if (!inner.Message(&part) || !ScanTensor(part, out)) return false;
        } else if (!inner.Skip(w)) {
          return false;
        }
      }
    } else if (!graph.Skip(wire)) {
      return false;
    }
  }
  return true;
}

// A location ORT would resolve inside the model's directory: relative, with
// no ".." component.
bool InsideModelDirectory(const std::string& location) {
  const fs::path p(location);
  if (location.empty() || p.is_absolute()) return false;
  for (const auto& part : p)
    if (part == "..") return false;
  return true;
}

Status DecryptFile(const FileDecryptor& decryptor, const std::string& model_name, const ModelFile& file,
                   const std::string& path, PlaintextBuffer* out) {
  MappedFile mapped;
  ORTB_RETURN_IF_ERROR(mapped.Open(path));
#ifdef MADV_POPULATE_READ
  // The decryptor reads the whole file once: map its pages in one call
  // instead of one page fault per 64 KiB (a hint; older kernels refuse it).
  if (mapped.size() > 0)
    madvise(const_cast<uint8_t*>(mapped.begin()), mapped.size(), MADV_POPULATE_READ);  // NOLINT: a hint only
#endif
  Status s = decryptor.Decrypt(model_name, RelativeModelPath(file, path), mapped.begin(), mapped.size(), out);
  if (!s.ok())
    return Status::InvalidArgument("cannot decrypt " + path + " with decryptor '" + decryptor.name() +
                                   "': " + s.message());
  return Status::Ok();
}

}  // namespace

bool ExternalDataLocations(const uint8_t* data, size_t size, std::vector<std::string>* out) {
  out->clear();
  WireReader model(data, data + size);
  while (!model.done()) {
    uint32_t field;
    int wire;
    if (!model.Tag(&field, &wire)) return false;
    WireReader graph(nullptr, nullptr);
    if (field == 7 && wire == kLengthDelimited) {  // ModelProto.graph
      if (!model.Message(&graph) || !ScanGraph(graph, 0, out)) return false;
    } else if (!model.Skip(wire)) {
      return false;
    }
  }
  return true;
}

std::string RelativeModelPath(const ModelFile& file, const std::string& path) {
  // The version directory is the model file's parent, or for a model
  // directory (<version>/model.onnx/model.onnx) its grandparent.
  fs::path base = fs::path(file.path).parent_path();
  if (file.directory) base = base.parent_path();
  return fs::path(path).lexically_relative(base).generic_string();
}

uint64_t DecryptedModel::bytes() const {
  uint64_t total = model_.size();
  for (const auto& f : files_) total += f.size();
  return total;
}

Status DecryptedModel::Read(const FileDecryptor& decryptor, const std::string& model_name, const ModelFile& file,
                            std::unique_ptr<DecryptedModel>* out) {
  auto model = std::make_unique<DecryptedModel>();
  ORTB_RETURN_IF_ERROR(DecryptFile(decryptor, model_name, file, file.path, &model->model_));
  std::vector<std::string> locations;
  // A model that is not protobuf is ONNX Runtime's to reject, with its message.
  if (!ExternalDataLocations(model->model_.data(), model->model_.size(), &locations)) {
    *out = std::move(model);
    return Status::Ok();
  }
  const fs::path directory = fs::path(file.path).parent_path();
  model->files_.reserve(locations.size());
  for (const auto& location : locations) {
    if (!InsideModelDirectory(location))
      return Status::InvalidArgument("the external data location '" + location + "' of " + file.path +
                                     " is not inside the model's directory");
    PlaintextBuffer bytes;
    ORTB_RETURN_IF_ERROR(DecryptFile(decryptor, model_name, file, (directory / location).string(), &bytes));
    model->external_.push_back({location, bytes.data(), bytes.size()});
    model->files_.push_back(std::move(bytes));
  }
  // The model's own inline weights, read by ORT from the decrypted buffer
  // under a name none of its files has.
  std::string self = "ortb-decrypted-model";
  while (std::find(locations.begin(), locations.end(), self) != locations.end()) self += "_";
  size_t moved = 0;
  if (ReferenceInlineWeights(model->model_.data(), model->model_.size(), self, kMinReferencedBytes, &model->graph_,
                             &moved) &&
      moved > 0) {
    model->external_.push_back({self, model->model_.data(), model->model_.size()});
  } else {
    model->graph_.clear();
    model->graph_.shrink_to_fit();
  }
  *out = std::move(model);
  return Status::Ok();
}

}  // namespace ortbackend

#include "ort/model_path.h"

#include <sys/stat.h>

namespace ortbackend {
namespace {

bool IsDirectory(const std::string& p) {
  struct stat st;
  return stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool IsFile(const std::string& p) {
  struct stat st;
  return stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

}  // namespace

Status ResolveModelPath(const std::string& path, std::string* resolved) {
  std::string p = path;
  if (IsDirectory(p)) p += "/model.onnx";
  if (!IsFile(p)) return Status::NotFound("model file not found: " + p);
  *resolved = p;
  return Status::Ok();
}

Status ResolveModelFile(const std::string& repository, uint64_t version, const std::string& filename,
                        std::string* path) {
  return ResolveModelPath(
      repository + "/" + std::to_string(version) + "/" + (filename.empty() ? "model.onnx" : filename), path);
}

}  // namespace ortbackend

#include "load/model_path.h"

#include <sys/stat.h>

#include <filesystem>

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

Status ResolveModelPath(const std::string& path, ModelFile* resolved) {
  ModelFile found{path, IsDirectory(path)};
  if (found.directory) found.path += "/model.onnx";
  if (!IsFile(found.path)) return Status::NotFound("model file not found: " + found.path);
  *resolved = std::move(found);
  return Status::Ok();
}

Status ResolveModelFile(const std::string& repository, uint64_t version, const std::string& filename,
                        ModelFile* resolved) {
  return ResolveModelPath(
      repository + "/" + std::to_string(version) + "/" + (filename.empty() ? "model.onnx" : filename), resolved);
}

uint64_t ModelFilesBytes(const ModelFile& file) {
  std::error_code ec;
  const std::filesystem::path path(file.path);
  if (!file.directory) {
    const uint64_t size = std::filesystem::file_size(path, ec);
    return ec ? 0 : size;
  }
  uint64_t total = 0;
  for (const auto& e : std::filesystem::directory_iterator(path.parent_path(), ec))
    if (e.is_regular_file(ec)) total += e.file_size(ec);
  return total;
}

}  // namespace ortbackend

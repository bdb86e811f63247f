// ort-encrypt-model: turns a plain model directory of a Triton repository
// into one the shipped AES-256-GCM decryptor reads (docs/model_protection.md).
// Every file under each numbered version directory is encrypted (model.onnx
// and its external data alike); other files (config.pbtxt, labels) are
// copied unchanged, and with --decryptor NAME the config gets the
// `decryptor` parameter that selects the operator's decryptor.
//
// It uses only the decryptor's own code (decryptors/aes_gcm/) and OpenSSL,
// no backend code: it runs where the models are prepared, not where served.

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include <openssl/crypto.h>

#include "aes_gcm.h"
#include "key_source.h"
#include "sealed_file.h"

namespace {

namespace fs = std::filesystem;
using namespace ortb_aes_gcm;

constexpr const char* kUsage = R"(Usage: ort-encrypt-model KEY [--decryptor NAME] SOURCE [DESTINATION]
       ort-encrypt-model --new-key FILE

Encrypts a model directory of a Triton model repository (SOURCE, the folder
holding config.pbtxt and the numbered version folders) with AES-256-GCM for
the backend's shipped decryptor: every file under each version folder
(model.onnx and its external-data files) is encrypted; other files are copied
as they are. Without DESTINATION the files are encrypted in place.

KEY is one of:
  --key-file FILE     the key: 32 raw bytes or 64 hex digits
  --key-env NAME      an environment variable holding 64 hex digits
  --new-key FILE      make a new random key and write it to FILE (64 hex
                      digits, mode 0600; FILE must not exist), then use it;
                      without SOURCE, only make the key

Options:
  --decryptor NAME    add parameters { key: "decryptor" ... NAME } to the
                      model's config.pbtxt (created if there is none), so the
                      model uses the decryptor the operator registered as NAME
  -h, --help          print this help

Exit status: 0 on success, 1 on failure, 2 for a usage error.
)";

struct Options {
  std::string key_file, key_env, new_key, decryptor, source, destination;
};

bool IsVersionDirectory(const fs::directory_entry& e) {
  const std::string name = e.path().filename().string();
  return e.is_directory() && !name.empty() && name.find_first_not_of("0123456789") == std::string::npos;
}

bool ReadFile(const fs::path& path, std::vector<uint8_t>* out, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = "cannot read " + path.string();
    return false;
  }
  out->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return true;
}

// Writes `bytes` to `path` through a temporary file beside it and a rename,
// so an interrupted run never leaves a half-written file under the final name.
bool WriteFile(const fs::path& path, const uint8_t* bytes, size_t size, std::string* error) {
  const fs::path temporary = path.string() + ".ort-encrypt-model.tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes), static_cast<std::streamsize>(size));
    if (!out) {
      *error = "cannot write " + temporary.string();
      return false;
    }
  }
  std::error_code ec;
  fs::rename(temporary, path, ec);
  if (ec) {
    *error = "cannot rename " + temporary.string() + " to " + path.string() + ": " + ec.message();
    return false;
  }
  return true;
}

bool EncryptVersion(const Key& key, const fs::path& from, const fs::path& to, int* count, std::string* error) {
  std::error_code ec;
  fs::create_directories(to, ec);
  if (ec) {
    *error = "cannot create " + to.string() + ": " + ec.message();
    return false;
  }
  for (auto it = fs::recursive_directory_iterator(from, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    const fs::path relative = fs::relative(it->path(), from);
    if (it->is_directory()) {
      fs::create_directories(to / relative);
      continue;
    }
    if (!it->is_regular_file()) continue;
    std::vector<uint8_t> plain, sealed;
    if (!ReadFile(it->path(), &plain, error)) return false;
    if (plain.size() >= sizeof(kMagic) && std::memcmp(plain.data(), kMagic, sizeof(kMagic)) == 0) {
      *error = it->path().string() + " is already encrypted";
      return false;
    }
    const bool ok = SealFile(key, plain.data(), plain.size(), relative.generic_string(), &sealed, error);
    if (!plain.empty()) OPENSSL_cleanse(plain.data(), plain.size());
    if (!ok || !WriteFile(to / relative, sealed.data(), sealed.size(), error)) return false;
    std::cout << "encrypted " << (to / relative).string() << " (" << relative.generic_string() << ")\n";
    ++*count;
  }
  if (ec) {
    *error = "cannot list " + from.string() + ": " + ec.message();
    return false;
  }
  return true;
}

// Appends the decryptor parameter to config.pbtxt (a repeated top-level
// field, so appending is valid text format), or makes a config naming only
// the backend and the parameter (the rest is auto-completed).
bool SelectDecryptor(const fs::path& model_dir, const std::string& name, std::string* error) {
  const fs::path config = model_dir / "config.pbtxt";
  std::string text;
  if (fs::exists(config)) {
    std::ifstream in(config);
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (text.find("\"decryptor\"") != std::string::npos) {
      *error = config.string() + " already has a decryptor parameter; change it by hand";
      return false;
    }
  } else {
    text = "backend: \"onnxruntime\"\n";
  }
  if (!text.empty() && text.back() != '\n') text += '\n';
  text += "parameters { key: \"decryptor\" value { string_value: \"" + name + "\" } }\n";
  std::ofstream out(config, std::ios::trunc);
  out << text;
  if (!out) {
    *error = "cannot write " + config.string();
    return false;
  }
  return true;
}

bool MakeKey(const Options& options, Key* key, std::string* error) {
  if (options.new_key.empty())
    return LoadKey(options.key_file.empty() ? "key-env=" + options.key_env : "key-file=" + options.key_file, key,
                   error);
  if (!NewRandomKey(key, error)) return false;
  static const char kHex[] = "0123456789abcdef";
  std::string text;
  for (size_t i = 0; i < kKeyBytes; ++i) {
    text += kHex[key->data()[i] >> 4];
    text += kHex[key->data()[i] & 15];
  }
  text += '\n';
  // O_EXCL: never overwrite a key that other models may already use.
  FILE* f = nullptr;
  const mode_t old_mask = umask(077);
  f = std::fopen(options.new_key.c_str(), "wx");
  umask(old_mask);
  bool ok = f != nullptr && std::fwrite(text.data(), 1, text.size(), f) == text.size();
  if (f != nullptr && std::fclose(f) != 0) ok = false;
  OPENSSL_cleanse(&text[0], text.size());
  if (!ok) *error = "cannot create the key file '" + options.new_key + "': " + std::strerror(errno);
  return ok;
}

int Run(const Options& options) {
  std::string error;
  Key key;
  if (!MakeKey(options, &key, &error)) {
    std::cerr << "ort-encrypt-model: " << error << "\n";
    return 1;
  }
  const fs::path source(options.source);
  const fs::path destination(options.destination.empty() ? options.source : options.destination);
  std::error_code ec;
  if (!fs::is_directory(source)) {
    std::cerr << "ort-encrypt-model: " << source.string() << " is not a directory\n";
    return 1;
  }
  if (destination != source) {
    if (fs::exists(destination) && !fs::is_empty(destination)) {
      std::cerr << "ort-encrypt-model: " << destination.string() << " exists and is not empty\n";
      return 1;
    }
    fs::create_directories(destination, ec);
  }
  int files = 0, versions = 0;
  for (const auto& e : fs::directory_iterator(source, ec)) {
    if (IsVersionDirectory(e)) {
      ++versions;
      if (!EncryptVersion(key, e.path(), destination / e.path().filename(), &files, &error)) {
        std::cerr << "ort-encrypt-model: " << error << "\n";
        return 1;
      }
    } else if (destination != source) {
      fs::copy(e.path(), destination / e.path().filename(), fs::copy_options::recursive, ec);
      if (ec) {
        std::cerr << "ort-encrypt-model: cannot copy " << e.path().string() << ": " << ec.message() << "\n";
        return 1;
      }
    }
  }
  if (versions == 0) {
    std::cerr << "ort-encrypt-model: " << source.string()
              << " has no numbered version folder (give a model directory of a repository)\n";
    return 1;
  }
  if (!options.decryptor.empty() && !SelectDecryptor(destination, options.decryptor, &error)) {
    std::cerr << "ort-encrypt-model: " << error << "\n";
    return 1;
  }
  std::cout << "encrypted " << files << " file(s) in " << versions << " version(s) into " << destination.string()
            << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  std::vector<std::string> positional;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      std::cout << kUsage;
      return 0;
    }
    std::string* value = arg == "--key-file"    ? &options.key_file
                         : arg == "--key-env"   ? &options.key_env
                         : arg == "--new-key"   ? &options.new_key
                         : arg == "--decryptor" ? &options.decryptor
                                                : nullptr;
    if (value != nullptr) {
      if (i + 1 >= argc) {
        std::cerr << "ort-encrypt-model: " << arg << " needs a value\n" << kUsage;
        return 2;
      }
      *value = argv[++i];
    } else if (arg.rfind("--", 0) == 0) {
      std::cerr << "ort-encrypt-model: unknown option " << arg << "\n" << kUsage;
      return 2;
    } else {
      positional.push_back(arg);
    }
  }
  const int keys = !options.key_file.empty() + !options.key_env.empty() + !options.new_key.empty();
  if (keys == 1 && positional.empty() && !options.new_key.empty()) {
    // Only a key: models are encrypted with --key-file FILE later.
    ortb_aes_gcm::Key key;
    std::string error;
    if (!MakeKey(options, &key, &error)) {
      std::cerr << "ort-encrypt-model: " << error << "\n";
      return 1;
    }
    std::cout << "wrote a new key to " << options.new_key << "\n";
    return 0;
  }
  if (keys != 1 || positional.empty() || positional.size() > 2) {
    std::cerr << "ort-encrypt-model: give one of --key-file, --key-env, --new-key, and SOURCE [DESTINATION]\n"
              << kUsage;
    return 2;
  }
  options.source = positional[0];
  if (positional.size() == 2) options.destination = positional[1];
  return Run(options);
}

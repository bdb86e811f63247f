#include "pbtxt_reader.h"

#include <cctype>
#include <cerrno>
#include <cstdlib>

#include "pbtxt_fields.h"

namespace ortbackend {
namespace {

class Parser {
 public:
  Parser(const std::string& text, const std::string& where) : text_(text), where_(where) {}

  Status Document(nlohmann::json* out) {
    *out = nlohmann::json::object();
    Status s = Fields(out, '\0');
    if (s.ok() && !AtEnd()) s = Error("unexpected '" + std::string(1, text_[pos_]) + "'");
    return s;
  }

 private:
  Status Error(const std::string& what) const {
    return Status::InvalidArgument(where_ + ":" + std::to_string(line_) + ": " + what);
  }

  void SkipSpace() {
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == '#') {
        while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
      } else if (std::isspace(static_cast<unsigned char>(c))) {
        if (c == '\n') ++line_;
        ++pos_;
      } else {
        return;
      }
    }
  }
  bool AtEnd() {
    SkipSpace();
    return pos_ >= text_.size();
  }
  bool Peek(char c) {
    SkipSpace();
    return pos_ < text_.size() && text_[pos_] == c;
  }
  bool Take(char c) {
    if (!Peek(c)) return false;
    ++pos_;
    return true;
  }

  std::string Identifier() {
    SkipSpace();
    const size_t start = pos_;
    while (pos_ < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_' ||
                                   text_[pos_] == '.' || text_[pos_] == '-' || text_[pos_] == '+'))
      ++pos_;
    return text_.substr(start, pos_ - start);
  }

  // Fields until `close` ('}' or '>'; '\0' for the end of the text).
  Status Fields(nlohmann::json* object, char close) {
    while (true) {
      if (close == '\0' ? AtEnd() : Peek(close)) return Status::Ok();
      if (AtEnd()) return Error(std::string("missing '") + close + "'");
      const std::string key = Identifier();
      if (key.empty()) return Error("unexpected '" + std::string(1, text_[pos_]) + "'");
      if (!(std::isalpha(static_cast<unsigned char>(key[0])) || key[0] == '_'))
        return Error("expected a field name, got '" + key + "'");
      const bool colon = Take(':');
      nlohmann::json value;
      Status s;
      if (Peek('{') || Peek('<')) {
        s = MessageValue(&value);
      } else if (Take('[')) {  // a list; for messages the ':' may be left out
        value = nlohmann::json::array();
        while (s.ok() && !Take(']')) {
          if (!value.empty() && !Take(',')) return Error("expected ',' or ']' in the list of '" + key + "'");
          nlohmann::json item;
          s = (Peek('{') || Peek('<')) ? MessageValue(&item) : ScalarValue(&item);
          if (s.ok()) value.push_back(std::move(item));
        }
      } else if (!colon) {
        return Error("expected ':' or '{' after '" + key + "'");
      } else {
        s = ScalarValue(&value);
      }
      ORTB_RETURN_IF_ERROR(s);
      ORTB_RETURN_IF_ERROR(Store(key, std::move(value), object));
      if (!Take(',')) Take(';');
    }
  }

  Status MessageValue(nlohmann::json* out) {
    const char close = Take('{') ? '}' : (Take('<'), '>');
    *out = nlohmann::json::object();
    Status s = Fields(out, close);
    if (s.ok() && !Take(close)) s = Error(std::string("missing '") + close + "'");
    return s;
  }

  Status ScalarValue(nlohmann::json* out) {
    SkipSpace();
    if (pos_ >= text_.size()) return Error("a value is missing at the end");
    const char c = text_[pos_];
    if (c == '"' || c == '\'') {
      std::string s;
      // Adjacent strings are one value, as in C.
      while (Peek('"') || Peek('\'')) {
        ORTB_RETURN_IF_ERROR(QuotedString(&s));
      }
      *out = s;
      return Status::Ok();
    }
    const std::string word = Identifier();
    if (word.empty()) return Error(std::string("unexpected '") + c + "'");
    if (word == "true" || word == "True" || word == "t") {
      *out = true;
    } else if (word == "false" || word == "False" || word == "f") {
      *out = false;
    } else if (std::isdigit(static_cast<unsigned char>(word[0])) || word[0] == '-' || word[0] == '+' ||
               word[0] == '.') {
      return Number(word, out);
    } else {
      *out = word;  // an enum value
    }
    return Status::Ok();
  }

  Status Number(const std::string& word, nlohmann::json* out) {
    const char* begin = word.c_str();
    char* end = nullptr;
    const bool is_float = word.find_first_of(".eE") != std::string::npos && word.rfind("0x", 0) != 0;
    if (!is_float) {
      errno = 0;
      const long long v = std::strtoll(begin, &end, 0);
      if (*end == '\0' && errno == 0) {
        *out = static_cast<int64_t>(v);
        return Status::Ok();
      }
      errno = 0;
      const unsigned long long u = std::strtoull(begin, &end, 0);
      if (*end == '\0' && errno == 0 && word[0] != '-') {
        *out = static_cast<uint64_t>(u);
        return Status::Ok();
      }
    }
    const double d = std::strtod(begin, &end);
    if (*end != '\0' && !((*end == 'f' || *end == 'F') && end[1] == '\0'))
      return Error("'" + word + "' is not a number");
    *out = d;
    return Status::Ok();
  }

  Status QuotedString(std::string* s) {
    const char quote = text_[pos_++];
    while (pos_ < text_.size() && text_[pos_] != quote) {
      char c = text_[pos_++];
      if (c == '\n') return Error("a string runs past the end of its line");
      if (c != '\\') {
        *s += c;
        continue;
      }
      if (pos_ >= text_.size()) break;
      c = text_[pos_++];
      switch (c) {
        case 'n': *s += '\n'; break;
        case 't': *s += '\t'; break;
        case 'r': *s += '\r'; break;
        case 'x': {
          int v = 0, n = 0;
          for (; n < 2 && pos_ < text_.size() && std::isxdigit(static_cast<unsigned char>(text_[pos_])); ++n) {
            const int h = std::tolower(static_cast<unsigned char>(text_[pos_++]));
            v = v * 16 + (std::isdigit(h) ? h - '0' : h - 'a' + 10);
          }
          if (n == 0) return Error("\\x without hex digits");
          *s += static_cast<char>(v);
          break;
        }
        default:
          if (c >= '0' && c <= '7') {
            int v = c - '0', n = 1;
            while (n < 3 && pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '7')
              v = v * 8 + (text_[pos_++] - '0'), ++n;
            *s += static_cast<char>(v);
          } else {
            *s += c;  // \" \' \\ and any other escaped character
          }
      }
    }
    if (pos_ >= text_.size()) return Error("a string is not closed");
    ++pos_;
    return Status::Ok();
  }

  Status Store(const std::string& key, nlohmann::json value, nlohmann::json* object) {
    if (IsMapConfigField(key)) {
      // Entries { key: K value: V }, one at a time or as a list.
      nlohmann::json entries = value.is_array() ? std::move(value) : nlohmann::json::array({std::move(value)});
      for (const auto& e : entries) {
        if (!e.is_object() || !e.contains("key"))
          return Error("'" + key + "' entries are written { key: ... value: ... }");
        const nlohmann::json& k = e["key"];
        const std::string name = k.is_string() ? k.get<std::string>() : k.dump();
        (*object)[key][name] = e.contains("value") ? e["value"] : nlohmann::json::object();
      }
      return Status::Ok();
    }
    if (IsRepeatedConfigField(key)) {
      nlohmann::json& list = (*object)[key];
      if (list.is_null()) list = nlohmann::json::array();
      if (value.is_array())
        for (auto& v : value) list.push_back(std::move(v));
      else
        list.push_back(std::move(value));
      return Status::Ok();
    }
    if (object->contains(key)) return Error("'" + key + "' is given twice");
    (*object)[key] = std::move(value);
    return Status::Ok();
  }

  const std::string& text_;
  const std::string& where_;
  size_t pos_ = 0;
  int line_ = 1;
};

}  // namespace

Status PbtxtToJson(const std::string& text, const std::string& where, nlohmann::json* out) {
  return Parser(text, where).Document(out);
}

}  // namespace ortbackend

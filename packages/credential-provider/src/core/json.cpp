#include "json.hpp"
#include <cstdlib>

namespace cw {

const Json& Json::operator[](const std::string& key) const {
  static const Json null;
  auto it = object_.find(key);
  return it == object_.end() ? null : it->second;
}

struct JsonParser {
  const std::string& s;
  std::size_t i = 0;

  void space() {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) i++;
  }

  static void utf8(std::string& out, unsigned cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | cp >> 6);
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | cp >> 12);
      out += static_cast<char>(0x80 | (cp >> 6 & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | cp >> 18);
      out += static_cast<char>(0x80 | (cp >> 12 & 0x3F));
      out += static_cast<char>(0x80 | (cp >> 6 & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  bool hex4(unsigned& v) {
    if (i + 4 > s.size()) return false;
    v = 0;
    for (int k = 0; k < 4; k++) {
      char c = s[i++];
      v <<= 4;
      if (c >= '0' && c <= '9') v |= static_cast<unsigned>(c - '0');
      else if (c >= 'a' && c <= 'f') v |= static_cast<unsigned>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') v |= static_cast<unsigned>(c - 'A' + 10);
      else return false;
    }
    return true;
  }

  bool string(std::string& out) {
    if (i >= s.size() || s[i] != '"') return false;
    i++;
    while (i < s.size()) {
      char c = s[i++];
      if (c == '"') return true;
      if (static_cast<unsigned char>(c) < 0x20) return false;
      if (c != '\\') {
        out += c;
        continue;
      }
      if (i >= s.size()) return false;
      char e = s[i++];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          unsigned cp;
          if (!hex4(cp)) return false;
          if (cp >= 0xD800 && cp < 0xDC00 && i + 1 < s.size() && s[i] == '\\' && s[i + 1] == 'u') {
            i += 2;
            unsigned lo;
            if (!hex4(lo) || lo < 0xDC00 || lo > 0xDFFF) return false;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          }
          utf8(out, cp);
          break;
        }
        default: return false;
      }
    }
    return false;
  }

  bool value(Json& out, int depth) {
    if (depth > 32) return false;
    space();
    if (i >= s.size()) return false;
    char c = s[i];
    if (c == '{') {
      out.kind_ = Json::Kind::Object;
      i++;
      space();
      if (i < s.size() && s[i] == '}') return ++i, true;
      for (;;) {
        space();
        std::string key;
        if (!string(key)) return false;
        space();
        if (i >= s.size() || s[i++] != ':') return false;
        Json member;
        if (!value(member, depth + 1)) return false;
        out.object_[key] = std::move(member);
        space();
        if (i >= s.size()) return false;
        if (s[i] == ',') { i++; continue; }
        if (s[i] == '}') return ++i, true;
        return false;
      }
    }
    if (c == '[') {
      out.kind_ = Json::Kind::Array;
      i++;
      space();
      if (i < s.size() && s[i] == ']') return ++i, true;
      for (;;) {
        Json item;
        if (!value(item, depth + 1)) return false;
        out.array_.push_back(std::move(item));
        space();
        if (i >= s.size()) return false;
        if (s[i] == ',') { i++; continue; }
        if (s[i] == ']') return ++i, true;
        return false;
      }
    }
    if (c == '"') {
      out.kind_ = Json::Kind::String;
      return string(out.string_);
    }
    if (s.compare(i, 4, "true") == 0) { out.kind_ = Json::Kind::Bool; out.bool_ = true; i += 4; return true; }
    if (s.compare(i, 5, "false") == 0) { out.kind_ = Json::Kind::Bool; i += 5; return true; }
    if (s.compare(i, 4, "null") == 0) { i += 4; return true; }
    if (c == '-' || (c >= '0' && c <= '9')) {
      std::size_t start = i;
      while (i < s.size() && (std::string("+-.eE0123456789").find(s[i]) != std::string::npos)) i++;
      std::string digits = s.substr(start, i - start);
      char* end = nullptr;
      out.number_ = std::strtod(digits.c_str(), &end);
      out.kind_ = Json::Kind::Number;
      return end && *end == '\0';
    }
    return false;
  }
};

bool Json::parse(const std::string& text, Json& out) {
  out = Json();
  JsonParser p{text};
  if (!p.value(out, 0)) return false;
  p.space();
  return p.i == text.size();
}

std::string jsonString(const std::string& text) {
  static const char digits[] = "0123456789abcdef";
  std::string out = "\"";
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if (c == '"') out += "\\\"";
    else if (c == '\\') out += "\\\\";
    else if (u < 0x20) {
      out += "\\u00";
      out += digits[u >> 4];
      out += digits[u & 0xF];
    } else out += c;
  }
  return out + "\"";
}

}  // namespace cw

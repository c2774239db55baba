// Generated from the route table (packages/contract/src/routes) by `npm run generate:routes`: do not edit.
// Paths are relative to the configured server URL, which may carry a path of its own.
#pragma once

#include <string>

namespace cw::api_routes {

namespace detail {
/** Percent-encodes one path segment (RFC 3986 unreserved characters stay). */
inline std::string segment(const std::string& value) {
  static const char* const hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
        c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}
}  // namespace detail

}  // namespace cw::api_routes

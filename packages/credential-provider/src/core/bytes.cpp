#include "bytes.hpp"

namespace cw {

std::string toHex(const Bytes& bytes) {
  static const char digits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (std::uint8_t b : bytes) {
    out.push_back(digits[b >> 4]);
    out.push_back(digits[b & 0x0f]);
  }
  return out;
}

static int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool fromHex(const std::string& hex, Bytes& out) {
  out.clear();
  if (hex.size() % 2 != 0) return false;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    int hi = hexValue(hex[i]);
    int lo = hexValue(hex[i + 1]);
    if (hi < 0 || lo < 0) {
      wipe(out);
      return false;
    }
    out.push_back(static_cast<std::uint8_t>(hi << 4 | lo));
  }
  return true;
}

void wipe(void* data, std::size_t size) {
  volatile std::uint8_t* p = static_cast<volatile std::uint8_t*>(data);
  while (size--) *p++ = 0;
}

void wipe(std::string& text) {
  if (!text.empty()) wipe(&text[0], text.size());
  text.clear();
}

void wipe(Bytes& bytes) {
  if (!bytes.empty()) wipe(bytes.data(), bytes.size());
  bytes.clear();
}

}  // namespace cw

#include "read_back.hpp"
#include <cctype>

namespace cw {

static std::string upper(const std::string& hex) {
  std::string out = hex;
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string formatGrouped(const std::string& hex) {
  std::string u = upper(hex), out;
  for (std::size_t i = 0; i < u.size(); i += 4) {
    if (i) out += ' ';
    out += u.substr(i, 4);
  }
  return out;
}

std::string phoneticReadBack(const std::string& hex) {
  static const char* const words[] = {"zero", "one", "two",   "three", "four",  "five",  "six",     "seven",
                                      "eight", "nine", "alfa", "bravo", "charlie", "delta", "echo", "foxtrot"};
  std::string u = upper(hex), out;
  for (std::size_t i = 0; i < u.size(); i++) {
    if (i) out += (i % 4 == 0) ? ", " : " ";
    char c = u[i];
    int v = c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    out += v < 0 ? std::string(1, c) : words[v];
  }
  return out;
}

}  // namespace cw

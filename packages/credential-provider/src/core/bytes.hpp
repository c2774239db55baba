// Byte and hex helpers for the portable core (no Windows headers: it builds with g++ on Linux too).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace cw {

using Bytes = std::vector<std::uint8_t>;

/** Upper-case hex of `bytes`, as packages/protocol's toHex. */
std::string toHex(const Bytes& bytes);

/** The bytes of an even-length hex string; false (and `out` empty) when it is not hex. */
bool fromHex(const std::string& hex, Bytes& out);

/** Overwrites memory so secrets do not linger (the compiler may not drop a volatile write). */
void wipe(void* data, std::size_t size);
void wipe(std::string& text);
void wipe(Bytes& bytes);

/** A secret string (answer, PIN, response): wiped when it goes away or is replaced. */
class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string value) : value_(std::move(value)) {}
  Secret(const Secret&) = delete;
  Secret& operator=(const Secret&) = delete;
  Secret(Secret&& other) noexcept : value_(std::move(other.value_)) { wipe(other.value_); }
  Secret& operator=(Secret&& other) noexcept {
    if (this != &other) {
      wipe(value_);
      value_ = std::move(other.value_);
      wipe(other.value_);
    }
    return *this;
  }
  ~Secret() { wipe(value_); }
  void assign(const std::string& value) {
    wipe(value_);
    value_.reserve(value.size());
    value_ = value;
  }
  void clear() { wipe(value_); }
  const std::string& get() const { return value_; }
  bool empty() const { return value_.empty(); }

 private:
  std::string value_;
};

}  // namespace cw

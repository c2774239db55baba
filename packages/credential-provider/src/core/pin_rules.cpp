#include "pin_rules.hpp"
#include <algorithm>

namespace cw {

static bool isRun(const std::string& pin, int step) {
  for (std::size_t i = 1; i < pin.size(); i++)
    if (static_cast<int>(static_cast<unsigned char>(pin[i])) - static_cast<int>(static_cast<unsigned char>(pin[i - 1])) != step)
      return false;
  return true;
}

static bool allDigits(const std::string& pin) {
  return std::all_of(pin.begin(), pin.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/** The length as JavaScript counts it (UTF-16 code units), so messages match the unlock tool's. */
static int utf16Length(const std::string& utf8) {
  int length = 0;
  for (unsigned char c : utf8) {
    if ((c & 0xC0) != 0x80) length++;  // a lead byte starts a character
    if (c >= 0xF0) length++;           // four-byte sequences are two UTF-16 units
  }
  return length;
}

std::string checkNewPin(const std::string& pin, const PinRules& rules) {
  int length = utf16Length(pin);
  if (length < rules.minLength || length > rules.maxLength) {
    return "the PIN must be " + std::to_string(rules.minLength) + " to " + std::to_string(rules.maxLength) +
           " characters, it has " + std::to_string(length);
  }
  if (rules.digitsOnly && !allDigits(pin)) return "the PIN must be digits only";
  for (char c : pin) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u > 0x7E) return "the PIN may use only letters, digits, spaces and punctuation of plain ASCII";
  }
  if (isRun(pin, 0)) return "the PIN must not be one character repeated";
  if (!pin.empty() && allDigits(pin) && (isRun(pin, 1) || isRun(pin, -1)))
    return "the PIN must not be a run of digits such as 123456";
  return "";
}

bool pinRulesWithin(const PinRules& card, const PinRules& profile, PinRules& out) {
  out.minLength = std::max(card.minLength, profile.minLength);
  out.maxLength = std::min(card.maxLength, profile.maxLength);
  out.digitsOnly = card.digitsOnly || profile.digitsOnly;
  return out.minLength <= out.maxLength;
}

std::string describePinRules(const PinRules& rules) {
  return std::to_string(rules.minLength) + "-" + std::to_string(rules.maxLength) +
         (rules.digitsOnly ? " digits" : " characters");
}

}  // namespace cw

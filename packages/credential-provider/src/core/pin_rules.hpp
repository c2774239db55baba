// Rules for a new PIN, identical to packages/unlock/src/pin-rules.ts (a test runs both on the same PINs):
// checked before anything costs an attempt.
#pragma once
#include <string>

namespace cw {

struct PinRules {
  int minLength = 4;
  int maxLength = 16;
  bool digitsOnly = false;
};

/** What GIDS cards take (4-16 characters). */
constexpr PinRules GIDS_PIN_RULES{4, 16, false};

/** Why `pin` breaks the rules, or "" when it keeps them. */
std::string checkNewPin(const std::string& pin, const PinRules& rules);

/** The rules of both the card and the profile; false when no PIN can keep both. */
bool pinRulesWithin(const PinRules& card, const PinRules& profile, PinRules& out);

/** "6-8 digits". */
std::string describePinRules(const PinRules& rules);

}  // namespace cw

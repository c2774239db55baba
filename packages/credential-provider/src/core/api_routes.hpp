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

/** GET /api/v1/online-unlock/pin-policy: The PIN rules of a card's profile, for the unlock tool (an unknown serial gets the default rules) */
inline std::string onlineUnlockPinPolicy() { return std::string("api/v1/online-unlock/pin-policy"); }

/** POST /api/v1/online-unlock/sessions: Start an online unlock for the card in the workstation's reader: the questions to ask */
inline std::string onlineUnlockStart() { return std::string("api/v1/online-unlock/sessions"); }

/** POST /api/v1/online-unlock/sessions/:id/response: Answers and the challenge in, the response out (one per session) */
inline std::string onlineUnlockResponse(const std::string& id) { return std::string("api/v1/online-unlock/sessions/") + detail::segment(id) + std::string("/response"); }

/** POST /api/v1/online-unlock/sessions/:id/mutual-auth: GIDS cards: answers and the card's R2 in, the server's mutual-authentication cryptogram out (one per session) */
inline std::string onlineUnlockMutualAuth(const std::string& id) { return std::string("api/v1/online-unlock/sessions/") + detail::segment(id) + std::string("/mutual-auth"); }

/** POST /api/v1/online-unlock/sessions/:id/mutual-auth/confirm: The card's own cryptogram, which proves the unblock and resets the card's attempt count */
inline std::string onlineUnlockConfirmMutualAuth(const std::string& id) { return std::string("api/v1/online-unlock/sessions/") + detail::segment(id) + std::string("/mutual-auth/confirm"); }

/** POST /api/v1/online-unlock/sessions/:id/outcome: Whether the card took the response */
inline std::string onlineUnlockOutcome(const std::string& id) { return std::string("api/v1/online-unlock/sessions/") + detail::segment(id) + std::string("/outcome"); }

}  // namespace cw::api_routes

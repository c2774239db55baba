// What the unlock flow needs from the outside world: the card (WinSCard on Windows) and the server (WinHTTP).
// The portable core only sees these two interfaces, so it runs and is tested with g++ on Linux as well.
#pragma once
#include <string>
#include "bytes.hpp"

namespace cw {

class CardPort {
 public:
  virtual ~CardPort() = default;
  /** Connects to the card in the reader; false with `problem` ("no reader", "no card") otherwise. */
  virtual bool connect(std::string& problem) = 0;
  /** Whether the connected card is still in the reader and was not reset since `connect`. */
  virtual bool present() = 0;
  /** One raw exchange; throws CardGone when the card was removed or reset. */
  virtual Bytes transmitRaw(const Bytes& command) = 0;
  virtual void disconnect() = 0;
  /**
   * Keeps other programs (such as Windows' own smart card tile) off the card during one step, so nothing
   * comes between selecting the application and the unblock; ended by `endTransaction` or a disconnect.
   */
  virtual void beginTransaction() {}
  virtual void endTransaction() {}
};

/** The result of one HTTP request: `reached` false when no HTTP answer came (then `problem` says why). */
struct HttpAnswer {
  bool reached = false;
  /** For `reached` false: true when the server's certificate (or pin) was refused, not a network failure. */
  bool tlsRefused = false;
  std::string problem;
  int status = 0;
  std::string body;
};

class ServerPort {
 public:
  virtual ~ServerPort() = default;
  /** POSTs `jsonBody` to `path` (relative to the configured server: see api_routes.hpp). */
  virtual HttpAnswer post(const std::string& path, const std::string& jsonBody) = 0;
  /** The server's address, for sentences. */
  virtual std::string origin() const = 0;
};

}  // namespace cw

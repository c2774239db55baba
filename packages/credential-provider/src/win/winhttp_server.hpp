// ServerPort over WinHTTP: HTTPS verified against the machine's trust store (WinHTTP's default), no
// redirects, bounded timeouts; plain http only to loopback (checked by readServerConfig).
#pragma once
#include "../core/ports.hpp"
#include "config.hpp"

namespace cw {

class WinHttpServer : public ServerPort {
 public:
  explicit WinHttpServer(const ServerConfig& config) : config_(config) {}
  HttpAnswer post(const std::string& path, const std::string& jsonBody) override;
  std::string origin() const override;

 private:
  ServerConfig config_;
};

}  // namespace cw

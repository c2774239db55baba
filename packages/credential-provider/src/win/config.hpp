// Configuration from Group Policy: HKLM\SOFTWARE\Policies\Cardwarden\CredentialProvider (see the ADMX).
#pragma once
#include <string>

namespace cw {

struct ServerConfig {
  std::wstring url;  // ServerUrl, e.g. https://unlock.example.org/ (plain http only to this computer)
  unsigned timeoutSeconds = 15;  // TimeoutSeconds (DWORD, 3-60)
  std::string problem;  // why the configuration cannot be used (then the tile offers the offline fallback)
};

ServerConfig readServerConfig();
/** Checks a ServerUrl: https://, or http:// to a loopback host only; no user info, query or fragment. */
std::string checkServerUrl(const std::wstring& url);

}  // namespace cw

#include "config.hpp"
#include <windows.h>
#include <winhttp.h>
#include "text.hpp"

namespace cw {

static const wchar_t* const POLICY_KEY = L"SOFTWARE\\Policies\\Cardwarden\\CredentialProvider";

static bool isLoopback(const std::wstring& host) {
  if (host == L"localhost" || host == L"[::1]" || host == L"::1") return true;
  if (host.compare(0, 4, L"127.") != 0) return false;
  for (wchar_t c : host)
    if (c != L'.' && (c < L'0' || c > L'9')) return false;
  return true;
}

std::string checkServerUrl(const std::wstring& url) {
  URL_COMPONENTSW parts;
  ZeroMemory(&parts, sizeof parts);
  parts.dwStructSize = sizeof parts;
  parts.dwHostNameLength = parts.dwUserNameLength = parts.dwPasswordLength = parts.dwExtraInfoLength =
      parts.dwUrlPathLength = parts.dwSchemeLength = static_cast<DWORD>(-1);
  if (url.empty() || !WinHttpCrackUrl(url.c_str(), 0, 0, &parts)) return "ServerUrl is not a URL";
  if (parts.nScheme != INTERNET_SCHEME_HTTPS && parts.nScheme != INTERNET_SCHEME_HTTP)
    return "ServerUrl must start with https://";
  if (parts.dwUserNameLength > 0 || parts.dwPasswordLength > 0) return "ServerUrl must not hold a user name";
  if (parts.dwExtraInfoLength > 0) return "ServerUrl must not have a query or fragment";
  std::wstring host(parts.lpszHostName, parts.dwHostNameLength);
  if (parts.nScheme == INTERNET_SCHEME_HTTP && !isLoopback(host))
    return "ServerUrl uses plain http to another computer; use https://";
  return "";
}

ServerConfig readServerConfig() {
  ServerConfig config;
  HKEY key;
  if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, POLICY_KEY, 0, KEY_READ | KEY_WOW64_64KEY, &key) != ERROR_SUCCESS) {
    config.problem = "no ServerUrl policy";
    return config;
  }
  wchar_t buffer[1024];
  DWORD size = sizeof buffer - sizeof(wchar_t), type = 0;
  if (RegQueryValueExW(key, L"ServerUrl", nullptr, &type, reinterpret_cast<BYTE*>(buffer), &size) == ERROR_SUCCESS &&
      type == REG_SZ) {
    buffer[size / sizeof(wchar_t)] = 0;
    config.url = buffer;
  }
  DWORD timeout = 0;
  size = sizeof timeout;
  if (RegQueryValueExW(key, L"TimeoutSeconds", nullptr, &type, reinterpret_cast<BYTE*>(&timeout), &size) ==
          ERROR_SUCCESS &&
      type == REG_DWORD && timeout >= 3 && timeout <= 60) {
    config.timeoutSeconds = timeout;
  }
  RegCloseKey(key);
  config.problem = config.url.empty() ? "no ServerUrl policy" : checkServerUrl(config.url);
  return config;
}

}  // namespace cw

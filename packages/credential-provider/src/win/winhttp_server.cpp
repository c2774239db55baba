#include "winhttp_server.hpp"
#include <windows.h>
#include <winhttp.h>
#include "text.hpp"

namespace cw {

namespace {

struct Handle {
  HINTERNET h = nullptr;
  ~Handle() {
    if (h) WinHttpCloseHandle(h);
  }
};

bool isTlsError(DWORD error) {
  return error == ERROR_WINHTTP_SECURE_FAILURE || error == ERROR_WINHTTP_SECURE_CHANNEL_ERROR ||
         error == ERROR_WINHTTP_SECURE_INVALID_CA || error == ERROR_WINHTTP_SECURE_CERT_CN_INVALID ||
         error == ERROR_WINHTTP_SECURE_CERT_DATE_INVALID || error == ERROR_WINHTTP_SECURE_INVALID_CERT ||
         error == ERROR_WINHTTP_SECURE_CERT_REVOKED || error == ERROR_WINHTTP_SECURE_CERT_REV_FAILED;
}

HttpAnswer failure(DWORD error) {
  HttpAnswer answer;
  answer.tlsRefused = isTlsError(error);
  answer.problem = error == ERROR_WINHTTP_TIMEOUT ? "no answer in time"
                   : error == ERROR_WINHTTP_CANNOT_CONNECT ? "connection refused or no route"
                   : error == ERROR_WINHTTP_NAME_NOT_RESOLVED ? "server name not found"
                   : answer.tlsRefused ? "server certificate not trusted"
                                       : "network error " + std::to_string(error);
  return answer;
}

}  // namespace

std::string WinHttpServer::origin() const { return narrow(config_.url.c_str()); }

HttpAnswer WinHttpServer::post(const std::string& path, const std::string& jsonBody) {
  URL_COMPONENTSW parts;
  ZeroMemory(&parts, sizeof parts);
  parts.dwStructSize = sizeof parts;
  parts.dwHostNameLength = parts.dwUrlPathLength = parts.dwSchemeLength = static_cast<DWORD>(-1);
  if (!WinHttpCrackUrl(config_.url.c_str(), 0, 0, &parts)) return failure(GetLastError());
  std::wstring host(parts.lpszHostName, parts.dwHostNameLength);
  std::wstring base(parts.lpszUrlPath, parts.dwUrlPathLength);
  if (base.empty() || base.back() != L'/') base += L'/';
  std::wstring target = base + widen(path);
  const bool secure = parts.nScheme == INTERNET_SCHEME_HTTPS;

  Handle session, connection, request;
  session.h = WinHttpOpen(L"Cardwarden-CredentialProvider/0.1", WINHTTP_ACCESS_TYPE_DEFAULT_PROXY,
                          WINHTTP_NO_PROXY_NAME, WINHTTP_NO_PROXY_BYPASS, 0);
  if (!session.h) return failure(GetLastError());
  int ms = static_cast<int>(config_.timeoutSeconds * 1000);
  WinHttpSetTimeouts(session.h, ms, ms, ms, ms);
  connection.h = WinHttpConnect(session.h, host.c_str(), parts.nPort, 0);
  if (!connection.h) return failure(GetLastError());
  request.h = WinHttpOpenRequest(connection.h, L"POST", target.c_str(), nullptr, WINHTTP_NO_REFERER,
                                 WINHTTP_DEFAULT_ACCEPT_TYPES, secure ? WINHTTP_FLAG_SECURE : 0);
  if (!request.h) return failure(GetLastError());
  // Answers travel in the body: never follow a redirect with them.
  DWORD never = WINHTTP_OPTION_REDIRECT_POLICY_NEVER;
  WinHttpSetOption(request.h, WINHTTP_OPTION_REDIRECT_POLICY, &never, sizeof never);
  const wchar_t* headers = L"Content-Type: application/json\r\nAccept: application/json\r\n";
  BOOL sent = WinHttpSendRequest(request.h, headers, static_cast<DWORD>(-1L), const_cast<char*>(jsonBody.data()),
                                 static_cast<DWORD>(jsonBody.size()), static_cast<DWORD>(jsonBody.size()), 0);
  if (!sent || !WinHttpReceiveResponse(request.h, nullptr)) return failure(GetLastError());

  HttpAnswer answer;
  answer.reached = true;
  DWORD status = 0, size = sizeof status;
  WinHttpQueryHeaders(request.h, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, WINHTTP_HEADER_NAME_BY_INDEX,
                      &status, &size, WINHTTP_NO_HEADER_INDEX);
  answer.status = static_cast<int>(status);
  for (;;) {
    DWORD available = 0;
    if (!WinHttpQueryDataAvailable(request.h, &available) || available == 0) break;
    if (answer.body.size() + available > 256 * 1024) break;  // an answer this big is not ours
    std::string chunk(available, '\0');
    DWORD read = 0;
    if (!WinHttpReadData(request.h, &chunk[0], available, &read) || read == 0) break;
    answer.body.append(chunk, 0, read);
  }
  return answer;
}

}  // namespace cw

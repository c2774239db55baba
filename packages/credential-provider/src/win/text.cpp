#include "text.hpp"
#include <objbase.h>

namespace cw {

std::wstring widen(const std::string& utf8) {
  if (utf8.empty()) return std::wstring();
  int n = MultiByteToWideChar(CP_UTF8, 0, utf8.data(), static_cast<int>(utf8.size()), nullptr, 0);
  std::wstring out(static_cast<std::size_t>(n), L'\0');
  MultiByteToWideChar(CP_UTF8, 0, utf8.data(), static_cast<int>(utf8.size()), &out[0], n);
  return out;
}

std::string narrow(const wchar_t* utf16) {
  if (utf16 == nullptr || *utf16 == 0) return std::string();
  int n = WideCharToMultiByte(CP_UTF8, 0, utf16, -1, nullptr, 0, nullptr, nullptr);
  if (n <= 1) return std::string();
  std::string out(static_cast<std::size_t>(n), '\0');
  WideCharToMultiByte(CP_UTF8, 0, utf16, -1, &out[0], n, nullptr, nullptr);
  out.resize(static_cast<std::size_t>(n - 1));
  return out;
}

HRESULT coTaskString(const std::wstring& text, LPWSTR* out) {
  if (out == nullptr) return E_INVALIDARG;
  std::size_t bytes = (text.size() + 1) * sizeof(wchar_t);
  *out = static_cast<LPWSTR>(CoTaskMemAlloc(bytes));
  if (*out == nullptr) return E_OUTOFMEMORY;
  CopyMemory(*out, text.c_str(), bytes);
  return S_OK;
}

void wipeWide(std::wstring& text) {
  if (!text.empty()) SecureZeroMemory(&text[0], text.size() * sizeof(wchar_t));
  text.clear();
}

}  // namespace cw

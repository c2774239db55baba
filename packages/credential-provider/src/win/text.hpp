// UTF-8 (the portable core) <-> UTF-16 (Windows), and strings handed to LogonUI (CoTaskMemAlloc'd).
#pragma once
#include <windows.h>
#include <string>

namespace cw {

std::wstring widen(const std::string& utf8);
std::string narrow(const wchar_t* utf16);
/** A CoTaskMemAlloc copy of `text` for LogonUI to free; E_OUTOFMEMORY when allocation fails. */
HRESULT coTaskString(const std::wstring& text, LPWSTR* out);
/** Wipes a wide string's characters (SecureZeroMemory) and empties it. */
void wipeWide(std::wstring& text);

}  // namespace cw

// Object and lock counts for DllCanUnloadNow, and the DLL's module handle.
#pragma once
#include <windows.h>

namespace cw {
void dllAddRef();
void dllRelease();
bool dllInUse();
}  // namespace cw

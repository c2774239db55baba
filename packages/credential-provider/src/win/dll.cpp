// DLL entry points: DllGetClassObject hands out the class factory of the Cardwarden provider;
// DllCanUnloadNow says when no object is left. Registration is the MSI's job (installer/).
#include <windows.h>
#include <new>
#include "credential_provider_abi.hpp"
#include "dll_state.hpp"
#include "provider.hpp"

namespace cw {

static LONG g_objects = 0;
void dllAddRef() { InterlockedIncrement(&g_objects); }
void dllRelease() { InterlockedDecrement(&g_objects); }
bool dllInUse() { return g_objects > 0; }

class ClassFactory : public IClassFactory {
 public:
  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void** ppv) override {
    if (ppv == nullptr) return E_POINTER;
    if (IsEqualIID(riid, IID_IUnknown) || IsEqualIID(riid, IID_IClassFactory)) {
      *ppv = static_cast<IClassFactory*>(this);
      AddRef();
      return S_OK;
    }
    *ppv = nullptr;
    return E_NOINTERFACE;
  }
  ULONG STDMETHODCALLTYPE AddRef() override { return 2; }  // static object
  ULONG STDMETHODCALLTYPE Release() override { return 1; }
  HRESULT STDMETHODCALLTYPE CreateInstance(IUnknown* outer, REFIID riid, void** ppv) override {
    if (ppv == nullptr) return E_POINTER;
    *ppv = nullptr;
    if (outer != nullptr) return CLASS_E_NOAGGREGATION;
    Provider* provider = new (std::nothrow) Provider();
    if (provider == nullptr) return E_OUTOFMEMORY;
    HRESULT hr = provider->QueryInterface(riid, ppv);
    provider->Release();
    return hr;
  }
  HRESULT STDMETHODCALLTYPE LockServer(BOOL lock) override {
    if (lock) dllAddRef(); else dllRelease();
    return S_OK;
  }
};

static ClassFactory g_factory;

}  // namespace cw

extern "C" HRESULT STDAPICALLTYPE DllGetClassObject(REFCLSID rclsid, REFIID riid, void** ppv) {
  if (ppv == nullptr) return E_POINTER;
  *ppv = nullptr;
  if (!IsEqualCLSID(rclsid, CLSID_CardwardenProvider)) return CLASS_E_CLASSNOTAVAILABLE;
  return cw::g_factory.QueryInterface(riid, ppv);
}

extern "C" HRESULT STDAPICALLTYPE DllCanUnloadNow() {
  return cw::dllInUse() ? S_FALSE : S_OK;
}

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, LPVOID) {
  if (reason == DLL_PROCESS_ATTACH) DisableThreadLibraryCalls(instance);
  return TRUE;
}

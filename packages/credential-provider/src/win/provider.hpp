// The ICredentialProvider: offers one tile for CPUS_LOGON and CPUS_UNLOCK_WORKSTATION (E_NOTIMPL for every
// other scenario), none in a remote session.
#pragma once
#include "card_watcher.hpp"
#include "credential.hpp"

namespace cw {

class Provider : public ICredentialProvider {
 public:
  Provider();
  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void** ppv) override;
  ULONG STDMETHODCALLTYPE AddRef() override;
  ULONG STDMETHODCALLTYPE Release() override;
  HRESULT STDMETHODCALLTYPE SetUsageScenario(CREDENTIAL_PROVIDER_USAGE_SCENARIO cpus, DWORD dwFlags) override;
  HRESULT STDMETHODCALLTYPE SetSerialization(const CREDENTIAL_PROVIDER_CREDENTIAL_SERIALIZATION* pcpcs) override;
  HRESULT STDMETHODCALLTYPE Advise(ICredentialProviderEvents* pcpe, UINT_PTR upAdviseContext) override;
  HRESULT STDMETHODCALLTYPE UnAdvise() override;
  HRESULT STDMETHODCALLTYPE GetFieldDescriptorCount(DWORD* pdwCount) override;
  HRESULT STDMETHODCALLTYPE GetFieldDescriptorAt(DWORD dwIndex, CREDENTIAL_PROVIDER_FIELD_DESCRIPTOR** ppcpfd) override;
  HRESULT STDMETHODCALLTYPE GetCredentialCount(DWORD* pdwCount, DWORD* pdwDefault, BOOL* pbAutoLogonWithDefault) override;
  HRESULT STDMETHODCALLTYPE GetCredentialAt(DWORD dwIndex, ICredentialProviderCredential** ppcpc) override;

 private:
  virtual ~Provider();
  LONG refs_ = 1;
  Credential* credential_ = nullptr;
  bool remote_ = false;
  CardWatcher watcher_;
};

}  // namespace cw

#include "provider.hpp"
#include "config.hpp"
#include "dll_state.hpp"
#include "fields.hpp"
#include "text.hpp"
#include "winhttp_server.hpp"
#include "winscard_card.hpp"

namespace cw {

Provider::Provider() { dllAddRef(); }

Provider::~Provider() {
  watcher_.stop();
  if (credential_) credential_->Release();
  dllRelease();
}

HRESULT Provider::QueryInterface(REFIID riid, void** ppv) {
  if (ppv == nullptr) return E_POINTER;
  if (IsEqualIID(riid, IID_IUnknown) || IsEqualIID(riid, IID_ICredentialProvider_)) {
    *ppv = static_cast<ICredentialProvider*>(this);
    AddRef();
    return S_OK;
  }
  *ppv = nullptr;
  return E_NOINTERFACE;
}

ULONG Provider::AddRef() { return static_cast<ULONG>(InterlockedIncrement(&refs_)); }

ULONG Provider::Release() {
  LONG left = InterlockedDecrement(&refs_);
  if (left == 0) delete this;
  return static_cast<ULONG>(left);
}

HRESULT Provider::SetUsageScenario(CREDENTIAL_PROVIDER_USAGE_SCENARIO cpus, DWORD) {
  if (cpus != CPUS_LOGON && cpus != CPUS_UNLOCK_WORKSTATION) return E_NOTIMPL;
  try {
    // Remote sessions see no tile: the card is in the client's reader, and unblocking over RDP is not supported.
    remote_ = GetSystemMetrics(SM_REMOTESESSION) != 0;
    if (credential_ == nullptr) {
      ServerConfig config = readServerConfig();
      std::unique_ptr<ServerPort> server;
      if (config.problem.empty() && !config.url.empty()) server.reset(new WinHttpServer(config));
      // A configured but refused address is named on the tile; "no policy" is not a problem to show.
      std::string problem = config.url.empty() ? "" : config.problem;
      credential_ = new Credential(std::unique_ptr<CardPort>(new WinSCardCard()), std::move(server), problem);
    }
    return S_OK;
  } catch (...) {
    return E_OUTOFMEMORY;
  }
}

HRESULT Provider::SetSerialization(const CREDENTIAL_PROVIDER_CREDENTIAL_SERIALIZATION*) { return E_NOTIMPL; }

HRESULT Provider::Advise(ICredentialProviderEvents* pcpe, UINT_PTR upAdviseContext) {
  try {
    watcher_.start(pcpe, upAdviseContext);
    return S_OK;
  } catch (...) {
    return E_FAIL;
  }
}

HRESULT Provider::UnAdvise() {
  watcher_.stop();
  return S_OK;
}

HRESULT Provider::GetFieldDescriptorCount(DWORD* pdwCount) {
  if (pdwCount == nullptr) return E_INVALIDARG;
  *pdwCount = FIELD_COUNT;
  return S_OK;
}

HRESULT Provider::GetFieldDescriptorAt(DWORD dwIndex, CREDENTIAL_PROVIDER_FIELD_DESCRIPTOR** ppcpfd) {
  if (ppcpfd == nullptr) return E_INVALIDARG;
  *ppcpfd = nullptr;
  if (dwIndex >= FIELD_COUNT) return E_INVALIDARG;
  try {
    auto* descriptor = static_cast<CREDENTIAL_PROVIDER_FIELD_DESCRIPTOR*>(CoTaskMemAlloc(sizeof(CREDENTIAL_PROVIDER_FIELD_DESCRIPTOR)));
    if (descriptor == nullptr) return E_OUTOFMEMORY;
    ZeroMemory(descriptor, sizeof *descriptor);
    descriptor->dwFieldID = dwIndex;
    descriptor->cpft = fieldType(dwIndex);
    HRESULT hr = coTaskString(fieldLabel(dwIndex), &descriptor->pszLabel);
    if (FAILED(hr)) {
      CoTaskMemFree(descriptor);
      return hr;
    }
    *ppcpfd = descriptor;
    return S_OK;
  } catch (...) {
    return E_OUTOFMEMORY;
  }
}

HRESULT Provider::GetCredentialCount(DWORD* pdwCount, DWORD* pdwDefault, BOOL* pbAutoLogonWithDefault) {
  if (pdwCount == nullptr || pdwDefault == nullptr || pbAutoLogonWithDefault == nullptr) return E_INVALIDARG;
  *pdwCount = credential_ != nullptr && !remote_ ? 1 : 0;
  if (credential_) credential_->onCardPresence(watcher_.cardPresent());
  *pdwDefault = CREDENTIAL_PROVIDER_NO_DEFAULT_;
  *pbAutoLogonWithDefault = FALSE;
  return S_OK;
}

HRESULT Provider::GetCredentialAt(DWORD dwIndex, ICredentialProviderCredential** ppcpc) {
  if (ppcpc == nullptr) return E_INVALIDARG;
  *ppcpc = nullptr;
  if (dwIndex != 0 || credential_ == nullptr || remote_) return E_INVALIDARG;
  return credential_->QueryInterface(IID_ICredentialProviderCredential_, reinterpret_cast<void**>(ppcpc));
}

}  // namespace cw

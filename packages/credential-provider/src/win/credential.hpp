// Credential 0: the "Unlock smart card" tile. COM object; every method catches everything (no exception
// crosses COM); typed secrets are kept in Secret values and wiped when cleared, submitted or released.
#pragma once
#include <memory>
#include "../core/unlock_flow.hpp"
#include "credential_provider_abi.hpp"

namespace cw {

class Credential : public ICredentialProviderCredential {
 public:
  Credential(std::unique_ptr<CardPort> card, std::unique_ptr<ServerPort> server, const std::string& serverProblem);

  // IUnknown
  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void** ppv) override;
  ULONG STDMETHODCALLTYPE AddRef() override;
  ULONG STDMETHODCALLTYPE Release() override;
  // ICredentialProviderCredential
  HRESULT STDMETHODCALLTYPE Advise(ICredentialProviderCredentialEvents* pcpce) override;
  HRESULT STDMETHODCALLTYPE UnAdvise() override;
  HRESULT STDMETHODCALLTYPE SetSelected(BOOL* pbAutoLogon) override;
  HRESULT STDMETHODCALLTYPE SetDeselected() override;
  HRESULT STDMETHODCALLTYPE GetFieldState(DWORD dwFieldID, CREDENTIAL_PROVIDER_FIELD_STATE* pcpfs,
                                          CREDENTIAL_PROVIDER_FIELD_INTERACTIVE_STATE* pcpfis) override;
  HRESULT STDMETHODCALLTYPE GetStringValue(DWORD dwFieldID, LPWSTR* ppsz) override;
  HRESULT STDMETHODCALLTYPE GetBitmapValue(DWORD dwFieldID, HBITMAP* phbmp) override;
  HRESULT STDMETHODCALLTYPE GetCheckboxValue(DWORD dwFieldID, BOOL* pbChecked, LPWSTR* ppszLabel) override;
  HRESULT STDMETHODCALLTYPE GetSubmitButtonValue(DWORD dwFieldID, DWORD* pdwAdjacentTo) override;
  HRESULT STDMETHODCALLTYPE GetComboBoxValueCount(DWORD dwFieldID, DWORD* pcItems, DWORD* pdwSelectedItem) override;
  HRESULT STDMETHODCALLTYPE GetComboBoxValueAt(DWORD dwFieldID, DWORD dwItem, LPWSTR* ppszItem) override;
  HRESULT STDMETHODCALLTYPE SetStringValue(DWORD dwFieldID, LPCWSTR psz) override;
  HRESULT STDMETHODCALLTYPE SetCheckboxValue(DWORD dwFieldID, BOOL bChecked) override;
  HRESULT STDMETHODCALLTYPE SetComboBoxSelectedValue(DWORD dwFieldID, DWORD dwSelectedItem) override;
  HRESULT STDMETHODCALLTYPE CommandLinkClicked(DWORD dwFieldID) override;
  HRESULT STDMETHODCALLTYPE GetSerialization(CREDENTIAL_PROVIDER_GET_SERIALIZATION_RESPONSE* pcpgsr,
                                             CREDENTIAL_PROVIDER_CREDENTIAL_SERIALIZATION* pcpcs,
                                             LPWSTR* ppszOptionalStatusText,
                                             CREDENTIAL_PROVIDER_STATUS_ICON* pcpsiOptionalStatusIcon) override;
  /** From the provider, on LogonUI's thread, after the card watcher's news: 1 card present, 0 none. */
  void onCardPresence(LONG present);
  HRESULT STDMETHODCALLTYPE ReportResult(NTSTATUS ntsStatus, NTSTATUS ntsSubstatus, LPWSTR* ppszOptionalStatusText,
                                         CREDENTIAL_PROVIDER_STATUS_ICON* pcpsiOptionalStatusIcon) override;

 private:
  virtual ~Credential();
  CREDENTIAL_PROVIDER_FIELD_STATE stateOf(DWORD id) const;
  std::wstring textOf(DWORD id) const;
  Secret* inputOf(DWORD id);
  void clearInputs(bool answers, bool pins, bool response);
  void publish();

  LONG refs_ = 1;
  std::unique_ptr<CardPort> card_;
  std::unique_ptr<ServerPort> server_;
  UnlockFlow flow_;
  Inputs inputs_;
  ICredentialProviderCredentialEvents* events_ = nullptr;
};

}  // namespace cw

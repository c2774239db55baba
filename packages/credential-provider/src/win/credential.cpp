#include "credential.hpp"
#include "dll_state.hpp"
#include "fields.hpp"
#include "text.hpp"

namespace cw {

Credential::Credential(std::unique_ptr<CardPort> card, std::unique_ptr<ServerPort> server,
                       const std::string& serverProblem)
    : card_(std::move(card)), server_(std::move(server)), flow_(*card_, server_.get(), serverProblem) {
  dllAddRef();
}

Credential::~Credential() {
  clearInputs(true, true, true);
  if (events_) events_->Release();
  dllRelease();
}

HRESULT Credential::QueryInterface(REFIID riid, void** ppv) {
  if (ppv == nullptr) return E_POINTER;
  if (IsEqualIID(riid, IID_IUnknown) || IsEqualIID(riid, IID_ICredentialProviderCredential_)) {
    *ppv = static_cast<ICredentialProviderCredential*>(this);
    AddRef();
    return S_OK;
  }
  *ppv = nullptr;
  return E_NOINTERFACE;
}

ULONG Credential::AddRef() { return static_cast<ULONG>(InterlockedIncrement(&refs_)); }

ULONG Credential::Release() {
  LONG left = InterlockedDecrement(&refs_);
  if (left == 0) delete this;
  return static_cast<ULONG>(left);
}

HRESULT Credential::Advise(ICredentialProviderCredentialEvents* pcpce) {
  if (events_) events_->Release();
  events_ = pcpce;
  if (events_) events_->AddRef();
  return S_OK;
}

HRESULT Credential::UnAdvise() {
  if (events_) events_->Release();
  events_ = nullptr;
  return S_OK;
}

HRESULT Credential::SetSelected(BOOL* pbAutoLogon) {
  if (pbAutoLogon) *pbAutoLogon = FALSE;
  return S_OK;
}

HRESULT Credential::SetDeselected() {
  try {
    clearInputs(true, true, true);
    flow_.reset();
    publish();
    return S_OK;
  } catch (...) {
    return E_FAIL;
  }
}

CREDENTIAL_PROVIDER_FIELD_STATE Credential::stateOf(DWORD id) const {
  Mode mode = flow_.mode();
  if (id == FIELD_TITLE) return CPFS_DISPLAY_IN_BOTH;
  if (id == FIELD_INSTRUCTION || id == FIELD_SUBMIT) return CPFS_DISPLAY_IN_SELECTED_TILE;
  if (isQuestionField(id) || isAnswerField(id))
    return mode == Mode::Online && questionIndex(id) < flow_.questions().size() ? CPFS_DISPLAY_IN_SELECTED_TILE
                                                                               : CPFS_HIDDEN;
  if (id == FIELD_CHALLENGE || id == FIELD_READ_BACK || id == FIELD_RESPONSE)
    return mode == Mode::Offline ? CPFS_DISPLAY_IN_SELECTED_TILE : CPFS_HIDDEN;
  if (id == FIELD_NEW_PIN || id == FIELD_CONFIRM_PIN)
    return mode == Mode::Online || mode == Mode::Offline ? CPFS_DISPLAY_IN_SELECTED_TILE : CPFS_HIDDEN;
  return CPFS_HIDDEN;
}

std::wstring Credential::textOf(DWORD id) const {
  if (id == FIELD_TITLE) return TILE_TITLE;
  if (id == FIELD_INSTRUCTION) return widen(flow_.instruction());
  if (isQuestionField(id)) {
    std::size_t i = questionIndex(id);
    return i < flow_.questions().size() ? widen(flow_.questions()[i].text) : L"";
  }
  if (id == FIELD_CHALLENGE) return widen(flow_.challengeGrouped());
  if (id == FIELD_READ_BACK) return widen(flow_.challengeReadBack());
  return L"";
}

Secret* Credential::inputOf(DWORD id) {
  if (isAnswerField(id)) return &inputs_.answers[questionIndex(id)];
  if (id == FIELD_RESPONSE) return &inputs_.response;
  if (id == FIELD_NEW_PIN) return &inputs_.newPin;
  if (id == FIELD_CONFIRM_PIN) return &inputs_.confirmPin;
  return nullptr;
}

HRESULT Credential::GetFieldState(DWORD dwFieldID, CREDENTIAL_PROVIDER_FIELD_STATE* pcpfs,
                                  CREDENTIAL_PROVIDER_FIELD_INTERACTIVE_STATE* pcpfis) {
  if (dwFieldID >= FIELD_COUNT || pcpfs == nullptr || pcpfis == nullptr) return E_INVALIDARG;
  *pcpfs = stateOf(dwFieldID);
  *pcpfis = CPFIS_NONE;
  return S_OK;
}

HRESULT Credential::GetStringValue(DWORD dwFieldID, LPWSTR* ppsz) {
  if (ppsz == nullptr) return E_INVALIDARG;
  *ppsz = nullptr;
  if (dwFieldID >= FIELD_COUNT || fieldType(dwFieldID) == CPFT_SUBMIT_BUTTON) return E_INVALIDARG;
  try {
    // Typed values are handed back as typed (LogonUI asks for them); they are never logged.
    Secret* input = const_cast<Credential*>(this)->inputOf(dwFieldID);
    if (input) {
      std::wstring value = widen(input->get());
      HRESULT hr = coTaskString(value, ppsz);
      wipeWide(value);
      return hr;
    }
    return coTaskString(textOf(dwFieldID), ppsz);
  } catch (...) {
    return E_OUTOFMEMORY;
  }
}

HRESULT Credential::GetBitmapValue(DWORD, HBITMAP* phbmp) {
  if (phbmp) *phbmp = nullptr;
  return E_NOTIMPL;
}

HRESULT Credential::GetCheckboxValue(DWORD, BOOL*, LPWSTR*) { return E_NOTIMPL; }

HRESULT Credential::GetSubmitButtonValue(DWORD dwFieldID, DWORD* pdwAdjacentTo) {
  if (dwFieldID != FIELD_SUBMIT || pdwAdjacentTo == nullptr) return E_INVALIDARG;
  Mode mode = flow_.mode();
  *pdwAdjacentTo = mode == Mode::Online || mode == Mode::Offline ? FIELD_CONFIRM_PIN : FIELD_INSTRUCTION;
  return S_OK;
}

HRESULT Credential::GetComboBoxValueCount(DWORD, DWORD*, DWORD*) { return E_NOTIMPL; }
HRESULT Credential::GetComboBoxValueAt(DWORD, DWORD, LPWSTR*) { return E_NOTIMPL; }

HRESULT Credential::SetStringValue(DWORD dwFieldID, LPCWSTR psz) {
  try {
    Secret* input = inputOf(dwFieldID);
    if (input == nullptr) return E_INVALIDARG;
    std::string value = narrow(psz);
    input->assign(value);
    wipe(value);
    return S_OK;
  } catch (...) {
    return E_OUTOFMEMORY;
  }
}

HRESULT Credential::SetCheckboxValue(DWORD, BOOL) { return E_NOTIMPL; }
HRESULT Credential::SetComboBoxSelectedValue(DWORD, DWORD) { return E_NOTIMPL; }
HRESULT Credential::CommandLinkClicked(DWORD) { return E_NOTIMPL; }

void Credential::clearInputs(bool answers, bool pins, bool response) {
  if (answers)
    for (Secret& a : inputs_.answers) a.clear();
  if (pins) {
    inputs_.newPin.clear();
    inputs_.confirmPin.clear();
  }
  if (response) inputs_.response.clear();
}

/** Tells LogonUI what changed (it caches field states and strings). */
void Credential::publish() {
  if (events_ == nullptr) return;
  for (DWORD id = 0; id < FIELD_COUNT; id++) {
    events_->SetFieldState(this, id, stateOf(id));
    CREDENTIAL_PROVIDER_FIELD_TYPE type = fieldType(id);
    if (type == CPFT_LARGE_TEXT || type == CPFT_SMALL_TEXT) {
      events_->SetFieldString(this, id, textOf(id).c_str());
    } else if (type == CPFT_EDIT_TEXT || type == CPFT_PASSWORD_TEXT) {
      Secret* input = inputOf(id);
      if (input && input->empty()) events_->SetFieldString(this, id, L"");
    }
  }
  events_->SetFieldSubmitButton(this, FIELD_SUBMIT,
                                flow_.mode() == Mode::Online || flow_.mode() == Mode::Offline ? FIELD_CONFIRM_PIN
                                                                                              : FIELD_INSTRUCTION);
}

HRESULT Credential::GetSerialization(CREDENTIAL_PROVIDER_GET_SERIALIZATION_RESPONSE* pcpgsr,
                                     CREDENTIAL_PROVIDER_CREDENTIAL_SERIALIZATION* pcpcs,
                                     LPWSTR* ppszOptionalStatusText,
                                     CREDENTIAL_PROVIDER_STATUS_ICON* pcpsiOptionalStatusIcon) {
  if (pcpgsr == nullptr) return E_INVALIDARG;
  if (ppszOptionalStatusText) *ppszOptionalStatusText = nullptr;
  if (pcpsiOptionalStatusIcon) *pcpsiOptionalStatusIcon = CPSI_NONE;
  if (pcpcs) ZeroMemory(pcpcs, sizeof *pcpcs);  // this tile never returns a logon credential
  *pcpgsr = CPGSR_NO_CREDENTIAL_NOT_FINISHED;
  try {
    Mode before = flow_.mode();
    StepResult result = flow_.submit(inputs_);
    // Secrets are used once: after the unblock, a dead end or a step change, nothing typed is kept.
    bool leftStep = flow_.mode() != before;
    clearInputs(leftStep || result.finished || flow_.clearAnswers(), leftStep || result.finished || flow_.clearPins(),
                leftStep || result.finished || flow_.clearResponse());
    publish();
    *pcpgsr = result.finished ? CPGSR_NO_CREDENTIAL_FINISHED : CPGSR_NO_CREDENTIAL_NOT_FINISHED;
    if (pcpsiOptionalStatusIcon) {
      *pcpsiOptionalStatusIcon = result.icon == Icon::Success   ? CPSI_SUCCESS
                                 : result.icon == Icon::Error   ? CPSI_ERROR
                                 : result.icon == Icon::Warning ? CPSI_WARNING
                                                                : CPSI_NONE;
    }
    if (ppszOptionalStatusText && !result.text.empty()) coTaskString(widen(result.text), ppszOptionalStatusText);
    return S_OK;
  } catch (...) {
    clearInputs(true, true, true);
    return E_FAIL;
  }
}

void Credential::onCardPresence(LONG present) {
  try {
    bool changed = present == 0 ? flow_.cardLeft() : present == 1 ? flow_.cardArrived() : false;
    if (!changed) return;
    if (present == 0) clearInputs(true, true, true);
    publish();
  } catch (...) {
    // Nothing to report: the next press of the arrow finds the card's state anyway.
  }
}

HRESULT Credential::ReportResult(NTSTATUS, NTSTATUS, LPWSTR* ppszOptionalStatusText,
                                 CREDENTIAL_PROVIDER_STATUS_ICON* pcpsiOptionalStatusIcon) {
  // No credential is ever submitted, so there is no logon result to translate.
  if (ppszOptionalStatusText) *ppszOptionalStatusText = nullptr;
  if (pcpsiOptionalStatusIcon) *pcpsiOptionalStatusIcon = CPSI_NONE;
  return S_OK;
}

}  // namespace cw

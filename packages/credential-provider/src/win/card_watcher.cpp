#include "card_watcher.hpp"
#include <winscard.h>
#include <vector>

namespace cw {

void CardWatcher::start(ICredentialProviderEvents* events, UINT_PTR context) {
  stop();
  if (events == nullptr) return;
  stop_ = CreateEventW(nullptr, TRUE, FALSE, nullptr);
  if (stop_ == nullptr) return;
  events_ = events;
  events_->AddRef();
  context_ = context;
  thread_ = CreateThread(nullptr, 0, &CardWatcher::run, this, 0, nullptr);
  if (thread_ == nullptr) stop();
}

void CardWatcher::stop() {
  if (thread_) {
    SetEvent(stop_);
    WaitForSingleObject(thread_, 10000);
    CloseHandle(thread_);
    thread_ = nullptr;
  }
  if (stop_) CloseHandle(stop_);
  stop_ = nullptr;
  if (events_) events_->Release();
  events_ = nullptr;
}

DWORD WINAPI CardWatcher::run(LPVOID self) {
  static_cast<CardWatcher*>(self)->loop();
  return 0;
}

/** Whether any reader holds a card, waiting up to `waitMs` for a change; -1 when there is no reader. */
static LONG anyCardPresent(SCARDCONTEXT context, DWORD waitMs, LONG previous) {
  DWORD length = 0;
  if (SCardListReadersW(context, nullptr, nullptr, &length) != SCARD_S_SUCCESS || length < 2) {
    Sleep(waitMs);
    return -1;
  }
  std::vector<wchar_t> names(length);
  if (SCardListReadersW(context, nullptr, names.data(), &length) != SCARD_S_SUCCESS) return -1;
  std::vector<SCARD_READERSTATEW> states;
  for (const wchar_t* name = names.data(); *name; name += wcslen(name) + 1) {
    SCARD_READERSTATEW state;
    ZeroMemory(&state, sizeof state);
    state.szReader = name;
    state.dwCurrentState = previous == 1 ? SCARD_STATE_PRESENT : previous == 0 ? SCARD_STATE_EMPTY : SCARD_STATE_UNAWARE;
    states.push_back(state);
  }
  LONG rc = SCardGetStatusChangeW(context, waitMs, states.data(), static_cast<DWORD>(states.size()));
  if (rc != SCARD_S_SUCCESS && rc != static_cast<LONG>(SCARD_E_TIMEOUT)) return previous;
  for (const SCARD_READERSTATEW& state : states)
    if (state.dwEventState & SCARD_STATE_PRESENT) return 1;
  return 0;
}

void CardWatcher::loop() {
  SCARDCONTEXT context = 0;
  while (WaitForSingleObject(stop_, 0) == WAIT_TIMEOUT) {
    if (context == 0 && SCardEstablishContext(SCARD_SCOPE_USER, nullptr, nullptr, &context) != SCARD_S_SUCCESS) {
      context = 0;
      WaitForSingleObject(stop_, 1000);
      continue;
    }
    LONG before = present_;
    LONG now = anyCardPresent(context, 500, before);
    if (now != before) {
      InterlockedExchange(&present_, now);
      // The first look only records the state; later changes are news for LogonUI.
      if (before != -1 || now == 1) events_->CredentialsChanged(context_);
    }
  }
  if (context) SCardReleaseContext(context);
}

}  // namespace cw

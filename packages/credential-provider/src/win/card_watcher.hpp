// Watches the readers for card insertion and removal on its own thread and tells LogonUI through
// ICredentialProviderEvents::CredentialsChanged, which LogonUI answers by asking the provider again
// (GetCredentialCount, on its own thread): the tile then reacts without waiting for a press of the arrow.
#pragma once
#include <windows.h>
#include "credential_provider_abi.hpp"

namespace cw {

class CardWatcher {
 public:
  ~CardWatcher() { stop(); }
  /** Starts watching; `events` is AddRef'd until stop. */
  void start(ICredentialProviderEvents* events, UINT_PTR context);
  void stop();
  /** Whether a card was in a reader at the last look (-1: not known yet). */
  LONG cardPresent() const { return present_; }

 private:
  static DWORD WINAPI run(LPVOID self);
  void loop();
  HANDLE thread_ = nullptr;
  HANDLE stop_ = nullptr;
  ICredentialProviderEvents* events_ = nullptr;
  UINT_PTR context_ = 0;
  volatile LONG present_ = -1;
};

}  // namespace cw

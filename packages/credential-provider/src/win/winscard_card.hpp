// CardPort over WinSCard: the first reader with a card, shared, T=1 or T=0. Uses only the SCard functions the
// issue allows (test/abi checks the DLL's imports).
#pragma once
#include <windows.h>
#include <winscard.h>
#include "../core/apdu.hpp"
#include "../core/ports.hpp"

namespace cw {

class WinSCardCard : public CardPort {
 public:
  ~WinSCardCard() override;
  bool connect(std::string& problem) override;
  bool present() override;
  Bytes transmitRaw(const Bytes& command) override;
  void disconnect() override;
  void beginTransaction() override;
  void endTransaction() override;

 private:
  void release();
  SCARDCONTEXT context_ = 0;
  SCARDHANDLE card_ = 0;
  DWORD protocol_ = 0;
  bool inTransaction_ = false;
};

}  // namespace cw

#include "winscard_card.hpp"
#include <vector>

namespace cw {

WinSCardCard::~WinSCardCard() { release(); }

void WinSCardCard::disconnect() {
  endTransaction();
  if (card_) SCardDisconnect(card_, SCARD_RESET_CARD);  // leaves no admin session behind on the card
  card_ = 0;
}

void WinSCardCard::beginTransaction() {
  // A step that connects first (the start) begins its transaction in connect().
  if (card_ && !inTransaction_) inTransaction_ = SCardBeginTransaction(card_) == SCARD_S_SUCCESS;
}

void WinSCardCard::endTransaction() {
  if (card_ && inTransaction_) SCardEndTransaction(card_, SCARD_LEAVE_CARD);
  inTransaction_ = false;
}

void WinSCardCard::release() {
  disconnect();
  if (context_) SCardReleaseContext(context_);
  context_ = 0;
}

bool WinSCardCard::connect(std::string& problem) {
  disconnect();
  if (context_ && SCardIsValidContext(context_) != SCARD_S_SUCCESS) release();
  if (!context_ && SCardEstablishContext(SCARD_SCOPE_USER, nullptr, nullptr, &context_) != SCARD_S_SUCCESS) {
    context_ = 0;
    problem = "no reader";
    return false;
  }
  DWORD length = 0;
  if (SCardListReadersW(context_, nullptr, nullptr, &length) != SCARD_S_SUCCESS || length < 2) {
    problem = "no reader";
    return false;
  }
  std::vector<wchar_t> names(length);
  if (SCardListReadersW(context_, nullptr, names.data(), &length) != SCARD_S_SUCCESS) {
    problem = "no reader";
    return false;
  }
  for (const wchar_t* name = names.data(); *name; name += wcslen(name) + 1) {
    SCARD_READERSTATEW state;
    ZeroMemory(&state, sizeof state);
    state.szReader = name;
    state.dwCurrentState = SCARD_STATE_UNAWARE;
    if (SCardGetStatusChangeW(context_, 0, &state, 1) != SCARD_S_SUCCESS) continue;
    if (!(state.dwEventState & SCARD_STATE_PRESENT) || (state.dwEventState & SCARD_STATE_MUTE)) continue;
    if (SCardConnectW(context_, name, SCARD_SHARE_SHARED, SCARD_PROTOCOL_T1 | SCARD_PROTOCOL_T0, &card_,
                      &protocol_) == SCARD_S_SUCCESS) {
      beginTransaction();
      return true;
    }
    card_ = 0;
  }
  problem = "no card";
  return false;
}

bool WinSCardCard::present() {
  if (!card_) return false;
  DWORD state = 0, protocol = 0, atrLength = 36, nameLength = 0;
  BYTE atr[36];
  LONG rc = SCardStatusW(card_, nullptr, &nameLength, &state, &protocol, atr, &atrLength);
  return rc == SCARD_S_SUCCESS && (state & 0xFFFF) >= SCARD_PRESENT;
}

Bytes WinSCardCard::transmitRaw(const Bytes& command) {
  if (!card_) throw CardGone();
  // Own protocol control information (same content as g_rgSCardT1Pci/T0Pci), so no data import is needed.
  SCARD_IO_REQUEST pci;
  pci.dwProtocol = protocol_;
  pci.cbPciLength = sizeof pci;
  BYTE response[258 + 2];
  DWORD length = sizeof response;
  LONG rc = SCardTransmit(card_, &pci, command.data(), static_cast<DWORD>(command.size()), nullptr, response, &length);
  if (rc != SCARD_S_SUCCESS) {
    SecureZeroMemory(response, sizeof response);
    disconnect();
    throw CardGone();
  }
  Bytes out(response, response + length);
  SecureZeroMemory(response, sizeof response);
  return out;
}

}  // namespace cw

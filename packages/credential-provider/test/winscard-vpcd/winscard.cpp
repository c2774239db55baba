// TEST ONLY (never shipped in the MSI): a winscard.dll for Wine that speaks vpcd's framing (2-byte big-endian
// length + payload; control codes 00 power off, 01 power on, 02 reset, 04 get ATR) on 127.0.0.1:PORT, PORT from
// CARDWARDEN_TEST_VPCD_PORT, so `cardwarden-card gids ... --vpcd 127.0.0.1:PORT` connects to it directly as to
// vpcd. One reader, "Cardwarden Test VPCD 0"; APDUs only inside SCardBeginTransaction. Wine 8's own
// winscard.dll is a stub. It tests the provider's APDUs and SCard calls, not Windows' smart card service.
#include <winsock2.h>
#include <windows.h>
#include <winscard.h>
#include <cstdlib>
#include <cstring>

namespace {

// The provider's card watcher calls from its own thread: one lock around the sockets.
CRITICAL_SECTION g_lock;
struct Lock {
  Lock() { EnterCriticalSection(&g_lock); }
  ~Lock() { LeaveCriticalSection(&g_lock); }
};

SOCKET g_listener = INVALID_SOCKET;
SOCKET g_card = INVALID_SOCKET;
DWORD g_generation = 1;  // a new card (or a reset) gets a new generation; handles of older ones are stale
// The handle holding a transaction: the provider must keep other programs off the card while it works, so
// this reader refuses APDUs outside a transaction (a real reader would only let others interleave).
SCARDHANDLE g_transaction = 0;
const wchar_t READER_W[] = L"Cardwarden Test VPCD 0\0";
const char READER_A[] = "Cardwarden Test VPCD 0\0";

void dropCard() {
  if (g_card != INVALID_SOCKET) closesocket(g_card);
  g_card = INVALID_SOCKET;
  g_generation++;
}

bool startListener() {
  if (g_listener != INVALID_SOCKET) return true;
  const char* port = std::getenv("CARDWARDEN_TEST_VPCD_PORT");
  if (!port) return false;
  WSADATA wsa;
  if (WSAStartup(MAKEWORD(2, 2), &wsa) != 0) return false;
  SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  if (s == INVALID_SOCKET) return false;
  BOOL yes = TRUE;
  setsockopt(s, SOL_SOCKET, SO_REUSEADDR, reinterpret_cast<const char*>(&yes), sizeof yes);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<u_short>(std::atoi(port)));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(s, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || listen(s, 1) != 0) {
    closesocket(s);
    return false;
  }
  g_listener = s;
  return true;
}

bool readable(SOCKET s, int ms) {
  fd_set set;
  FD_ZERO(&set);
  FD_SET(s, &set);
  timeval tv{ms / 1000, (ms % 1000) * 1000};
  return select(0, &set, nullptr, nullptr, &tv) > 0;
}

/** Accepts a waiting card; notices a card that went away (socket closed). */
void poll(int waitMs = 0) {
  if (!startListener()) return;
  if (g_card != INVALID_SOCKET && readable(g_card, 0)) {
    char byte;
    if (recv(g_card, &byte, 1, MSG_PEEK) <= 0) dropCard();
  }
  if (g_card == INVALID_SOCKET && readable(g_listener, waitMs)) {
    g_card = accept(g_listener, nullptr, nullptr);
    if (g_card != INVALID_SOCKET) {
      DWORD timeout = 10000;
      setsockopt(g_card, SOL_SOCKET, SO_RCVTIMEO, reinterpret_cast<const char*>(&timeout), sizeof timeout);
      BOOL yes = TRUE;
      setsockopt(g_card, IPPROTO_TCP, TCP_NODELAY, reinterpret_cast<const char*>(&yes), sizeof yes);
      g_generation++;
    }
  }
}

bool sendAll(const unsigned char* data, int length) {
  while (length > 0) {
    int n = send(g_card, reinterpret_cast<const char*>(data), length, 0);
    if (n <= 0) return false;
    data += n;
    length -= n;
  }
  return true;
}

bool recvAll(unsigned char* data, int length) {
  while (length > 0) {
    int n = recv(g_card, reinterpret_cast<char*>(data), length, 0);
    if (n <= 0) return false;
    data += n;
    length -= n;
  }
  return true;
}

bool sendFrame(const unsigned char* payload, int length) {
  unsigned char frame[2 + 65536];
  frame[0] = static_cast<unsigned char>(length >> 8);
  frame[1] = static_cast<unsigned char>(length);
  std::memcpy(frame + 2, payload, static_cast<size_t>(length));
  return sendAll(frame, 2 + length);
}

int recvFrame(unsigned char* out, int capacity) {
  unsigned char head[2];
  if (!recvAll(head, 2)) return -1;
  int length = head[0] << 8 | head[1];
  if (length > capacity) return -1;
  return recvAll(out, length) ? length : -1;
}

bool control(unsigned char code) { return sendFrame(&code, 1); }

}  // namespace

extern "C" {

BOOL WINAPI DllMain(HINSTANCE, DWORD reason, LPVOID) {
  if (reason == DLL_PROCESS_ATTACH) InitializeCriticalSection(&g_lock);
  return TRUE;
}

LONG WINAPI SCardEstablishContext(DWORD, LPCVOID, LPCVOID, LPSCARDCONTEXT context) {
  Lock lock;
  if (!startListener()) return SCARD_E_NO_SERVICE;
  *context = 0x5C5C;
  return SCARD_S_SUCCESS;
}

LONG WINAPI SCardReleaseContext(SCARDCONTEXT) { return SCARD_S_SUCCESS; }
LONG WINAPI SCardIsValidContext(SCARDCONTEXT context) {
  return context == 0x5C5C ? SCARD_S_SUCCESS : ERROR_INVALID_HANDLE;
}

LONG WINAPI SCardListReadersW(SCARDCONTEXT, LPCWSTR, LPWSTR readers, LPDWORD length) {
  DWORD needed = sizeof READER_W / sizeof(wchar_t);
  if (readers && *length >= needed) std::memcpy(readers, READER_W, sizeof READER_W);
  else if (readers) return SCARD_E_INSUFFICIENT_BUFFER;
  *length = needed;
  return SCARD_S_SUCCESS;
}

LONG WINAPI SCardListReadersA(SCARDCONTEXT, LPCSTR, LPSTR readers, LPDWORD length) {
  DWORD needed = sizeof READER_A;
  if (readers && *length >= needed) std::memcpy(readers, READER_A, sizeof READER_A);
  else if (readers) return SCARD_E_INSUFFICIENT_BUFFER;
  *length = needed;
  return SCARD_S_SUCCESS;
}

LONG WINAPI SCardGetStatusChangeW(SCARDCONTEXT, DWORD timeout, LPSCARD_READERSTATEW states, DWORD count) {
  // Looks every 50 ms until a reader's state differs from what the caller knows, or the timeout.
  DWORD waited = 0;
  for (;;) {
    bool changed = false;
    {
      Lock lock;
      poll();
      for (DWORD i = 0; i < count; i++) {
        DWORD now = g_card != INVALID_SOCKET ? SCARD_STATE_PRESENT : SCARD_STATE_EMPTY;
        bool differs = (states[i].dwCurrentState & (SCARD_STATE_PRESENT | SCARD_STATE_EMPTY)) != now;
        states[i].dwEventState = now | (differs ? SCARD_STATE_CHANGED : 0);
        changed = changed || differs;
      }
    }
    if (changed || timeout == 0) return SCARD_S_SUCCESS;
    if (timeout != INFINITE && waited >= timeout) return SCARD_E_TIMEOUT;
    Sleep(50);
    waited += 50;
  }
}

LONG WINAPI SCardConnectW(SCARDCONTEXT, LPCWSTR, DWORD, DWORD, LPSCARDHANDLE card, LPDWORD protocol) {
  Lock lock;
  poll();
  if (g_card == INVALID_SOCKET) return SCARD_E_NO_SMARTCARD;
  unsigned char atr[64];
  if (!control(1) || !control(4) || recvFrame(atr, sizeof atr) < 2) {
    dropCard();
    return SCARD_E_NO_SMARTCARD;
  }
  *card = g_generation;
  *protocol = SCARD_PROTOCOL_T1;
  return SCARD_S_SUCCESS;
}

LONG WINAPI SCardDisconnect(SCARDHANDLE card, DWORD disposition) {
  Lock lock;
  if (card == g_generation && g_card != INVALID_SOCKET && disposition != SCARD_LEAVE_CARD) {
    if (!control(2)) dropCard();
    else g_generation++;  // a reset card forgets its state: old handles are stale
  }
  return SCARD_S_SUCCESS;
}

LONG WINAPI SCardStatusW(SCARDHANDLE card, LPWSTR, LPDWORD nameLength, LPDWORD state, LPDWORD protocol, LPBYTE,
                         LPDWORD atrLength) {
  Lock lock;
  poll();
  if (nameLength) *nameLength = 0;
  if (atrLength) *atrLength = 0;
  if (g_card == INVALID_SOCKET || card != g_generation) return SCARD_W_REMOVED_CARD;
  if (state) *state = SCARD_SPECIFIC;
  if (protocol) *protocol = SCARD_PROTOCOL_T1;
  return SCARD_S_SUCCESS;
}

LONG WINAPI SCardTransmit(SCARDHANDLE card, LPCSCARD_IO_REQUEST, LPCBYTE command, DWORD commandLength,
                          LPSCARD_IO_REQUEST, LPBYTE response, LPDWORD responseLength) {
  Lock lock;
  poll();
  if (g_card == INVALID_SOCKET || card != g_generation) return SCARD_W_REMOVED_CARD;
  if (g_transaction != card) return SCARD_E_NOT_TRANSACTED;
  unsigned char buffer[65536];
  if (commandLength < 2 || !sendFrame(command, static_cast<int>(commandLength))) {
    dropCard();
    return SCARD_W_REMOVED_CARD;
  }
  int length = recvFrame(buffer, sizeof buffer);
  if (length < 0) {
    dropCard();
    return SCARD_W_REMOVED_CARD;
  }
  if (static_cast<DWORD>(length) > *responseLength) return SCARD_E_INSUFFICIENT_BUFFER;
  std::memcpy(response, buffer, static_cast<size_t>(length));
  SecureZeroMemory(buffer, sizeof buffer);
  *responseLength = static_cast<DWORD>(length);
  return SCARD_S_SUCCESS;
}

LONG WINAPI SCardBeginTransaction(SCARDHANDLE card) {
  Lock lock;
  if (card != g_generation) return SCARD_W_REMOVED_CARD;
  g_transaction = card;
  return SCARD_S_SUCCESS;
}

LONG WINAPI SCardEndTransaction(SCARDHANDLE card, DWORD) {
  Lock lock;
  if (g_transaction != card) return SCARD_E_NOT_TRANSACTED;
  g_transaction = 0;
  return SCARD_S_SUCCESS;
}
LONG WINAPI SCardCancel(SCARDCONTEXT) { return SCARD_S_SUCCESS; }
LONG WINAPI SCardFreeMemory(SCARDCONTEXT, LPCVOID) { return SCARD_S_SUCCESS; }

}  // extern "C"

// Command APDUs of the GIDS card application, byte for byte as packages/protocol's gids-commands.ts builds
// them (a test compares both), the response split, BER-TLV lookup and one APDU layer for 61xx/6Cxx.
#pragma once
#include <functional>
#include "bytes.hpp"

namespace cw {

namespace sw {
constexpr unsigned OK = 0x9000;
constexpr unsigned WRONG_LENGTH = 0x6700;
constexpr unsigned SECURITY_NOT_SATISFIED = 0x6982;
constexpr unsigned AUTH_METHOD_BLOCKED = 0x6983;
constexpr unsigned CONDITIONS_NOT_SATISFIED = 0x6985;
constexpr unsigned INS_NOT_SUPPORTED = 0x6D00;
}  // namespace sw

/** The tries left a `63 Cx` status word reports, or -1 for any other status word. */
int triesLeftOf(unsigned statusWord);

/** A short command APDU (cases 1-4); `le` 0 means absent, 256 is sent as 00. */
Bytes encodeCommand(std::uint8_t cla, std::uint8_t ins, std::uint8_t p1, std::uint8_t p2, const Bytes& data,
                    unsigned le);

/** 7C { 81|82 value } (dynamic authentication template); an empty value asks for the item. */
Bytes dynamicAuth(std::uint8_t tag, const Bytes& value);

constexpr std::uint8_t MSE_EXTERNAL_AUTH = 0x81;
constexpr std::uint8_t MSE_MUTUAL_AUTH = 0xC1;

Bytes gidsSelect();
Bytes gidsMseSetAdminKey(std::uint8_t p1);
Bytes gidsRequestChallenge();
Bytes gidsExternalResponse(const Bytes& response);
Bytes gidsMutualHostChallenge(const Bytes& r1);
Bytes gidsMutualHostCryptogram(const Bytes& cryptogram);
Bytes gidsResetRetryCounter(const std::string& newPin);
Bytes gidsDeauthenticate();
Bytes gidsGetData(unsigned fileId, unsigned dataObject);

/** A response APDU: data and status word. */
struct Response {
  Bytes data;
  unsigned sw = 0;
};

/**
 * The value of the first data object with `tag` (one or two bytes) found at top level or inside
 * constructed objects; false when absent or malformed.
 */
bool findTlv(const Bytes& bytes, unsigned tag, Bytes& value);

/** Raw exchange with the card: the response bytes (data + SW1 SW2); throws CardGone when the card left. */
using RawTransmit = std::function<Bytes(const Bytes& command)>;

/** Thrown by a transport when the card was removed or reset, so its state (challenge, admin login) is gone. */
struct CardGone {};

/**
 * Sends `command` and returns the complete answer: on 61xx it fetches the rest with GET RESPONSE, on 6Cxx it
 * repeats the command with Le = xx (as OpenSC's sc_transmit does), like packages/protocol's exchangeApdu (the
 * tests replay the same card answers through both and compare what each sent and returned).
 */
Response transmit(const RawTransmit& raw, const Bytes& command);

}  // namespace cw

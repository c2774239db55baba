// Native (g++ on Linux) test driver of the portable core. Modes, each printing JSON for core.test.ts:
//   apdus R1 CRYPTOGRAM RESPONSE PIN   the GIDS command APDUs (compared with packages/protocol's)
//   pin MIN MAX DIGITS PIN...          checkNewPin for each PIN (compared with packages/unlock's)
//   readback HEX                       grouped + phonetic (compared with packages/protocol's)
//   exchange COMMAND ANSWER...         transmit() over a card that gives ANSWERs in turn: the commands it
//                                      was sent and the final answer (compared with exchangeApdu's)
//   selftest                           status words, TLV, JSON and wiping, with assertions
#include <cstdio>
#include <cstring>
#include <vector>
#include <string>
#include "../../src/core/apdu.hpp"
#include "../../src/core/json.hpp"
#include "../../src/core/pin_rules.hpp"
#include "../../src/core/read_back.hpp"

using namespace cw;

static Bytes hex(const char* text) {
  Bytes out;
  fromHex(text, out);
  return out;
}

static int failures = 0, checks = 0;
#define CHECK(cond)                                                 \
  do {                                                              \
    checks++;                                                       \
    if (!(cond)) {                                                  \
      failures++;                                                   \
      std::printf("{\"failed\":%s}\n", jsonString(#cond).c_str()); \
    }                                                               \
  } while (0)

static int selftest() {
  CHECK(triesLeftOf(0x63C2) == 2 && triesLeftOf(0x6982) == -1);

  // TLV: two-byte tags, nested, long lengths; malformed input is refused, not overrun.
  Bytes value;
  CHECK(findTlv(hex("DF2010000102030405060708090A0B0C0D0E0F"), 0xDF20, value) && value.size() == 16);
  CHECK(findTlv(hex("7F7106970103930103"), 0x93, value) && toHex(value) == "03");
  CHECK(!findTlv(hex("7F71FF97"), 0x97, value));
  CHECK(!findTlv(hex("DF"), 0xDF20, value));

  // JSON: the server's shapes, escapes, and refusals.
  Json j;
  CHECK(Json::parse(R"({"id":"a","questions":[{"id":"q","text":"Caf\u00e9 \"x\""}],"n":3,"ok":true,"no":null})", j));
  CHECK(j["questions"].items()[0]["text"].str() == "Caf\xC3\xA9 \"x\"");
  CHECK(j["n"].number() == 3 && j["ok"].boolean() && !j["missing"].isString());
  CHECK(!Json::parse("{\"a\":}", j));
  CHECK(!Json::parse("[1,2", j));
  CHECK(!Json::parse(std::string(100, '['), j));
  CHECK(jsonString("a\"b\\c\n") == "\"a\\\"b\\\\c\\u000a\"");

  // Secrets are wiped in place.
  std::string secret = "123456";
  const char* data = secret.data();
  wipe(secret);
  CHECK(secret.empty());
  CHECK(std::memcmp(data, "\0\0\0\0\0\0", 6) == 0);

  std::printf("{\"checks\":%d,\"failures\":%d}\n", checks, failures);
  return failures == 0 ? 0 : 1;
}

/** Replays scripted card answers through transmit() and prints what it sent and what it returned. */
static int exchange(const char* command, char** answers, int count) {
  std::vector<std::string> sent;
  int next = 0;
  RawTransmit raw = [&](const Bytes& apdu) {
    sent.push_back(toHex(apdu));
    if (next == count) throw CardGone{};  // the script has no answer left: the card is as good as gone
    return hex(answers[next++]);
  };
  std::string outcome;
  try {
    Response r = transmit(raw, hex(command));
    char sw[5];
    std::snprintf(sw, sizeof sw, "%04X", r.sw);
    outcome = "\"data\":\"" + toHex(r.data) + "\",\"sw\":\"" + sw + "\"";
  } catch (const CardGone&) {
    outcome = "\"error\":\"script ended\"";
  }
  std::printf("{\"sent\":[");
  for (std::size_t i = 0; i < sent.size(); i++) std::printf("%s\"%s\"", i > 0 ? "," : "", sent[i].c_str());
  std::printf("],%s}\n", outcome.c_str());
  return 0;
}

int main(int argc, char** argv) {
  std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "apdus" && argc == 6) {
    std::printf(
        "{\"select\":\"%s\",\"mseExternal\":\"%s\",\"mseMutual\":\"%s\",\"requestChallenge\":\"%s\","
        "\"externalResponse\":\"%s\",\"mutualHostChallenge\":\"%s\",\"mutualHostCryptogram\":\"%s\","
        "\"resetRetryCounter\":\"%s\",\"deauthenticate\":\"%s\",\"pinStatus\":\"%s\",\"cardId\":\"%s\","
        "\"masterfile\":\"%s\"}\n",
        toHex(gidsSelect()).c_str(), toHex(gidsMseSetAdminKey(MSE_EXTERNAL_AUTH)).c_str(),
        toHex(gidsMseSetAdminKey(MSE_MUTUAL_AUTH)).c_str(), toHex(gidsRequestChallenge()).c_str(),
        toHex(gidsExternalResponse(hex(argv[4]))).c_str(), toHex(gidsMutualHostChallenge(hex(argv[2]))).c_str(),
        toHex(gidsMutualHostCryptogram(hex(argv[3]))).c_str(), toHex(gidsResetRetryCounter(argv[5])).c_str(),
        toHex(gidsDeauthenticate()).c_str(), toHex(gidsGetData(0x3FFF, 0x7F71)).c_str(),
        toHex(gidsGetData(0xA012, 0xDF20)).c_str(), toHex(gidsGetData(0xA000, 0xDF1F)).c_str());
    return 0;
  }
  if (mode == "pin" && argc >= 5) {
    PinRules rules{std::atoi(argv[2]), std::atoi(argv[3]), std::strcmp(argv[4], "true") == 0};
    std::printf("[");
    for (int i = 5; i < argc; i++) std::printf("%s%s", i > 5 ? "," : "", jsonString(checkNewPin(argv[i], rules)).c_str());
    std::printf("]\n");
    return 0;
  }
  if (mode == "readback" && argc == 3) {
    std::printf("{\"grouped\":%s,\"phonetic\":%s}\n", jsonString(formatGrouped(argv[2])).c_str(),
                jsonString(phoneticReadBack(argv[2])).c_str());
    return 0;
  }
  if (mode == "exchange" && argc >= 3) return exchange(argv[2], argv + 3, argc - 3);
  if (mode == "selftest") return selftest();
  std::fprintf(stderr, "usage: core-test apdus|pin|readback|exchange|selftest ...\n");
  return 2;
}

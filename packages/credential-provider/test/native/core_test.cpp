// Native (g++ on Linux) test driver of the portable core. Modes, each printing JSON for core.test.ts:
//   apdus R1 CRYPTOGRAM RESPONSE PIN   the GIDS command APDUs (compared with packages/protocol's)
//   pin MIN MAX DIGITS PIN...          checkNewPin for each PIN (compared with packages/unlock's)
//   readback HEX                       grouped + phonetic (compared with packages/protocol's)
//   selftest                           the APDU layer (61xx, 6Cxx), TLV, JSON and wiping, with assertions
#include <cstdio>
#include <cstring>
#include <deque>
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
  // 61xx: the rest comes with GET RESPONSE.
  std::deque<std::pair<Bytes, Bytes>> script;
  std::vector<Bytes> sent;
  RawTransmit raw = [&](const Bytes& command) {
    sent.push_back(command);
    Bytes answer = script.front().second;
    CHECK(script.front().first == command);
    script.pop_front();
    return answer;
  };
  script = {{hex("00CB3FFF045C027F7100"), hex("7F71066104")}, {hex("00C0000004"), hex("970100939000")}};
  // (the second answer is data 97 01 00 93 + SW 9000: deliberately split mid-object)
  script.back().second = hex("970100939000");
  Response r = transmit(raw, gidsGetData(0x3FFF, 0x7F71));
  CHECK(r.sw == 0x9000);
  CHECK(toHex(r.data) == "7F710697010093");
  // 6Cxx: the command is repeated with the right Le.
  script = {{hex("00870000047C02810000"), hex("6C0C")}, {hex("00870000047C0281000C"), hex("7C0A810811223344556677889000")}};
  r = transmit(raw, gidsRequestChallenge());
  Bytes challenge;
  CHECK(r.sw == 0x9000 && findTlv(r.data, 0x81, challenge) && toHex(challenge) == "1122334455667788");
  // A case 3 command gets Le appended.
  script = {{hex("002281A403830180"), hex("6C00")}, {hex("002281A40383018000"), hex("9000")}};
  CHECK(transmit(raw, gidsMseSetAdminKey(MSE_EXTERNAL_AUTH)).sw == 0x9000);
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
  if (mode == "selftest") return selftest();
  std::fprintf(stderr, "usage: core-test apdus|pin|readback|selftest ...\n");
  return 2;
}

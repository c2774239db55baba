#include "apdu.hpp"

namespace cw {

int triesLeftOf(unsigned statusWord) {
  return (statusWord & 0xFFF0) == 0x63C0 ? static_cast<int>(statusWord & 0x0F) : -1;
}

Bytes encodeCommand(std::uint8_t cla, std::uint8_t ins, std::uint8_t p1, std::uint8_t p2, const Bytes& data,
                    unsigned le) {
  Bytes out{cla, ins, p1, p2};
  if (!data.empty()) {
    out.push_back(static_cast<std::uint8_t>(data.size()));
    out.insert(out.end(), data.begin(), data.end());
  }
  if (le != 0) out.push_back(static_cast<std::uint8_t>(le & 0xFF));
  return out;
}

Bytes dynamicAuth(std::uint8_t tag, const Bytes& value) {
  Bytes inner{tag, static_cast<std::uint8_t>(value.size())};
  inner.insert(inner.end(), value.begin(), value.end());
  Bytes out{0x7C, static_cast<std::uint8_t>(inner.size())};
  out.insert(out.end(), inner.begin(), inner.end());
  return out;
}

static const Bytes GIDS_AID_PREFIX{0xA0, 0x00, 0x00, 0x03, 0x97, 0x42, 0x54, 0x46, 0x59};

Bytes gidsSelect() { return encodeCommand(0x00, 0xA4, 0x04, 0x00, GIDS_AID_PREFIX, 256); }

Bytes gidsMseSetAdminKey(std::uint8_t p1) { return encodeCommand(0x00, 0x22, p1, 0xA4, {0x83, 0x01, 0x80}, 0); }

Bytes gidsRequestChallenge() { return encodeCommand(0x00, 0x87, 0x00, 0x00, dynamicAuth(0x81, {}), 256); }

Bytes gidsExternalResponse(const Bytes& response) {
  return encodeCommand(0x00, 0x87, 0x00, 0x00, dynamicAuth(0x82, response), 0);
}

Bytes gidsMutualHostChallenge(const Bytes& r1) {
  return encodeCommand(0x00, 0x87, 0x00, 0x00, dynamicAuth(0x81, r1), 256);
}

Bytes gidsMutualHostCryptogram(const Bytes& cryptogram) {
  return encodeCommand(0x00, 0x87, 0x00, 0x00, dynamicAuth(0x82, cryptogram), 256);
}

Bytes gidsResetRetryCounter(const std::string& newPin) {
  Bytes pin(newPin.begin(), newPin.end());
  Bytes out = encodeCommand(0x00, 0x2C, 0x02, 0x80, pin, 0);
  wipe(pin);
  return out;
}

Bytes gidsDeauthenticate() { return encodeCommand(0x00, 0x20, 0x00, 0x82, {}, 0); }

Bytes gidsGetData(unsigned fileId, unsigned dataObject) {
  Bytes tag{0x5C, 0x02, static_cast<std::uint8_t>(dataObject >> 8), static_cast<std::uint8_t>(dataObject)};
  return encodeCommand(0x00, 0xCB, static_cast<std::uint8_t>(fileId >> 8), static_cast<std::uint8_t>(fileId),
                       tag, 256);
}

namespace {
struct Tlv {
  unsigned tag;
  bool constructed;
  std::size_t start, length;
};

bool readTlv(const Bytes& b, std::size_t& pos, std::size_t end, Tlv& tlv) {
  if (pos >= end) return false;
  unsigned tag = b[pos];
  tlv.constructed = (b[pos] & 0x20) != 0;
  ++pos;
  if ((tag & 0x1F) == 0x1F) {
    if (pos >= end) return false;
    tag = tag << 8 | b[pos++];
  }
  if (pos >= end) return false;
  std::size_t length = b[pos++];
  if (length == 0x81 || length == 0x82) {
    std::size_t count = length - 0x80;
    length = 0;
    for (std::size_t i = 0; i < count; i++) {
      if (pos >= end) return false;
      length = length << 8 | b[pos++];
    }
  } else if (length > 0x80) {
    return false;
  }
  if (length > end - pos) return false;
  tlv.tag = tag;
  tlv.start = pos;
  tlv.length = length;
  pos += length;
  return true;
}

bool search(const Bytes& b, std::size_t pos, std::size_t end, unsigned tag, Bytes& value, int depth) {
  while (pos < end) {
    Tlv tlv{};
    if (!readTlv(b, pos, end, tlv)) return false;
    if (tlv.tag == tag) {
      value.assign(b.begin() + static_cast<long>(tlv.start), b.begin() + static_cast<long>(tlv.start + tlv.length));
      return true;
    }
    if (tlv.constructed && depth < 4 && search(b, tlv.start, tlv.start + tlv.length, tag, value, depth + 1))
      return true;
  }
  return false;
}
}  // namespace

bool findTlv(const Bytes& bytes, unsigned tag, Bytes& value) {
  value.clear();
  return search(bytes, 0, bytes.size(), tag, value, 0);
}

static Response split(const Bytes& raw) {
  Response r;
  if (raw.size() < 2) {
    r.sw = 0x6F00;  // no status word: treated as an error from the card
    return r;
  }
  r.sw = static_cast<unsigned>(raw[raw.size() - 2]) << 8 | raw[raw.size() - 1];
  r.data.assign(raw.begin(), raw.end() - 2);
  return r;
}

Response transmit(const RawTransmit& raw, const Bytes& command) {
  Response r = split(raw(command));
  if ((r.sw & 0xFF00) == 0x6C00 && command.size() >= 4) {
    // Wrong Le: repeat with the length the card names (a case 2/4 command ends with Le).
    Bytes again = command;
    bool hasLe = command.size() == 5 || (command.size() > 5 && command.size() == 6u + command[4]);
    std::uint8_t le = static_cast<std::uint8_t>(r.sw & 0xFF);
    if (hasLe) again.back() = le; else again.push_back(le);
    r = split(raw(again));
    wipe(again);
  }
  Bytes all = r.data;
  int rounds = 0;
  while ((r.sw & 0xFF00) == 0x6100 && rounds++ < 64) {
    unsigned le = r.sw & 0xFF;
    r = split(raw(encodeCommand(0x00, 0xC0, 0x00, 0x00, {}, le == 0 ? 256 : le)));
    all.insert(all.end(), r.data.begin(), r.data.end());
  }
  r.data = all;
  return r;
}

}  // namespace cw

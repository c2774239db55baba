#include "unlock_flow.hpp"
#include <cctype>
#include "apdu.hpp"
#include "api_routes.hpp"
#include "json.hpp"
#include "read_back.hpp"

namespace cw {

const char* const SUCCESS_TEXT = "The smart card has been unlocked successfully. Use your new PIN from now on.";

namespace {

const char* const HELP_DESK_FALLBACK =
    "Call your help desk and read them the challenge below; type the response they give you and a new PIN.";
const char* const ADMIN_BLOCKED =
    "The card's admin key is blocked for good, so it can no longer be unblocked; ask your help desk for a new card.";

std::string plural(long n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

/** The card's serial (GIDS cardid), found through the masterfile as the unlock tool does, else at A012/DF20. */
std::string readSerial(const RawTransmit& raw) {
  unsigned file = 0xA012, object = 0xDF20;
  Response master = transmit(raw, gidsGetData(0xA000, 0xDF1F));
  Bytes value;
  if (master.sw == sw::OK && findTlv(master.data, 0xDF1F, value) && !value.empty() && value[0] == 1) {
    // Records of 28 bytes: directory (9), name (9), 2 spare, data object and file as little-endian 32-bit.
    auto u32 = [&value](std::size_t at) {
      return static_cast<unsigned>(value[at]) | static_cast<unsigned>(value[at + 1]) << 8 |
             static_cast<unsigned>(value[at + 2]) << 16 | static_cast<unsigned>(value[at + 3]) << 24;
    };
    for (std::size_t at = 1; at + 28 <= value.size(); at += 28) {
      std::string name(reinterpret_cast<const char*>(&value[at + 9]), 9);
      name = name.substr(0, name.find('\0'));
      if (value[at] == 0 && name == "cardid") {
        object = u32(at + 20);
        file = u32(at + 24);
        break;
      }
    }
  }
  Response answer = transmit(raw, gidsGetData(file, object));
  if (answer.sw != sw::OK || !findTlv(answer.data, object, value) || value.empty()) return "";
  return toHex(value);
}

/** Tries left of the PIN (GET DATA 3FFF/7F71), or -1 when the card does not tell. */
int readPinTriesLeft(const RawTransmit& raw) {
  Response answer = transmit(raw, gidsGetData(0x3FFF, 0x7F71));
  Bytes value;
  if (answer.sw != sw::OK) return -1;
  if ((findTlv(answer.data, 0x97, value) || findTlv(answer.data, 0x9F17, value)) && value.size() == 1) return value[0];
  return -1;
}

/** How long to wait, as the server words it ("15 minutes"). */
std::string describeWait(long seconds) {
  if (seconds < 90) return std::to_string(seconds) + " seconds";
  long minutes = (seconds + 59) / 60;
  if (minutes < 120) return std::to_string(minutes) + " minutes";
  return std::to_string(minutes / 60) + " hours " + std::to_string(minutes % 60) + " minutes";
}

bool isHex(const std::string& text) {
  if (text.empty()) return false;
  for (char c : text)
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

}  // namespace

UnlockFlow::~UnlockFlow() { reset(); }

void UnlockFlow::reset() {
  if (mode_ != Mode::Start) card_.disconnect();
  mode_ = Mode::Start;
  instruction_ = "Insert your smart card into the reader, then press the arrow.";
  serial_.clear();
  sessionId_.clear();
  hostChallenge_.clear();
  wipe(challenge_);
  questions_.clear();
  rules_ = GIDS_PIN_RULES;
}

bool UnlockFlow::cardLeft() {
  if (mode_ != Mode::Online && mode_ != Mode::Offline) return false;
  cardRemoved();
  return true;
}

bool UnlockFlow::cardArrived() {
  if (mode_ != Mode::Start) return false;
  instruction_ = "Your card is in the reader: press the arrow to start.";
  return true;
}

std::string UnlockFlow::challengeGrouped() const { return formatGrouped(challenge_); }
std::string UnlockFlow::challengeReadBack() const { return phoneticReadBack(challenge_); }

StepResult UnlockFlow::finish(Icon icon, const std::string& text) {
  card_.disconnect();
  mode_ = Mode::Done;
  instruction_ = text;
  return StepResult{true, icon, text};
}

StepResult UnlockFlow::stay(Icon icon, const std::string& text) {
  instruction_ = text;
  return StepResult{false, icon, text};
}

StepResult UnlockFlow::cardRemoved() {
  reset();
  instruction_ =
      "The card was removed or reset, so the unblock did not happen. Insert the card and press the arrow to start "
      "again.";
  return StepResult{false, Icon::Error, instruction_};
}

namespace {
/** One step's card transaction, ended however the step ends. */
struct Transaction {
  CardPort& card;
  explicit Transaction(CardPort& c) : card(c) { card.beginTransaction(); }
  ~Transaction() { card.endTransaction(); }
};
}  // namespace

StepResult UnlockFlow::submit(Inputs& inputs) {
  clearAnswers_ = clearPins_ = clearResponse_ = false;
  Transaction transaction(card_);
  try {
    switch (mode_) {
      case Mode::Done:
        reset();
        return start();
      case Mode::Start:
        return start();
      case Mode::Online:
        return online(inputs);
      case Mode::Offline:
        return offline(inputs);
    }
  } catch (const CardGone&) {
    return cardRemoved();
  } catch (...) {
    reset();
    return StepResult{false, Icon::Error, "Something unexpected went wrong; press the arrow to start again."};
  }
  return StepResult{};
}

StepResult UnlockFlow::start() {
  std::string problem;
  if (!card_.connect(problem)) {
    return stay(Icon::Error, problem == "no reader"
                                 ? "No smart card reader was found. Connect your reader, insert your card, then press "
                                   "the arrow."
                                 : "Insert your smart card into the reader, then press the arrow.");
  }
  mode_ = Mode::Done;  // until a step succeeds, a failure must not leave a half-started state
  RawTransmit raw = [this](const Bytes& c) { return card_.transmitRaw(c); };
  if (transmit(raw, gidsSelect()).sw != sw::OK) {
    card_.disconnect();
    mode_ = Mode::Start;
    return stay(Icon::Error,
                "This card cannot be unlocked here (it is not a GIDS smart card). Insert your company smart card, "
                "then press the arrow.");
  }
  serial_ = readSerial(raw);
  int triesLeft = readPinTriesLeft(raw);
  if (triesLeft > 0) {
    return finish(Icon::Error, "Your card's PIN is not blocked (" + plural(triesLeft, "try", "tries") +
                                   " left), so there is nothing to unlock: sign in with your PIN. If you forgot "
                                   "it, call your help desk.");
  }
  if (serial_.empty()) return enterOffline("The card does not tell its serial number, so it cannot be unlocked online.");
  if (server_ == nullptr) {
    return enterOffline(serverProblem_.empty()
                            ? "No unlock server is configured on this computer, so the card cannot be unlocked online."
                            : "The unlock server address set by your administrator is refused (" + serverProblem_ +
                                  "), so the card cannot be unlocked online.");
  }

  HttpAnswer answer = server_->post(api_routes::onlineUnlockStart(), "{\"cardSerial\":" + jsonString(serial_) + "}");
  if (!answer.reached) {
    return enterOffline(answer.tlsRefused
                            ? "The unlock server's certificate is not trusted, so your answers were not sent."
                            : "The unlock server cannot be reached (" + answer.problem + ").");
  }
  Json body;
  if (answer.status != 201 || !Json::parse(answer.body, body) || !body.isObject()) return serverRefusal(answer, false);
  const Json& questions = body["questions"];
  if (!body["id"].isString() || !questions.isArray() || questions.items().empty() ||
      questions.items().size() > MAX_QUESTIONS || !body["challengeLength"].isNumber()) {
    return enterOffline("The unlock server's answer was not understood.");
  }
  sessionId_ = body["id"].str();
  questions_.clear();
  for (const Json& q : questions.items()) {
    if (!q["id"].isString() || !q["text"].isString()) return enterOffline("The unlock server's answer was not understood.");
    questions_.push_back(Question{q["id"].str(), q["text"].str()});
  }
  challengeLength_ = static_cast<int>(body["challengeLength"].number());
  hostChallenge_ = body["hostChallenge"].isString() ? body["hostChallenge"].str() : "";
  if (!hostChallenge_.empty() && (hostChallenge_.size() != 32 || !isHex(hostChallenge_))) hostChallenge_.clear();
  PinRules profile;
  const Json& rules = body["pinRules"];
  if (rules["minLength"].isNumber()) profile.minLength = static_cast<int>(rules["minLength"].number());
  if (rules["maxLength"].isNumber()) profile.maxLength = static_cast<int>(rules["maxLength"].number());
  profile.digitsOnly = rules["digitsOnly"].isBool() && rules["digitsOnly"].boolean();
  if (!pinRulesWithin(GIDS_PIN_RULES, profile, rules_)) {
    rules_ = GIDS_PIN_RULES;
    return enterOffline("Your card's profile asks for a PIN of " + describePinRules(profile) +
                        ", which this card cannot take.");
  }
  mode_ = Mode::Online;
  long left = body["answerAttemptsRemaining"].isNumber() ? static_cast<long>(body["answerAttemptsRemaining"].number()) : -1;
  std::string tries = left >= 0 ? " (" + plural(left, "wrong answer", "wrong answers") + " left before online unlock locks)" : "";
  return stay(Icon::None, "Answer your security question" + std::string(questions_.size() == 1 ? "" : "s") + tries +
                              ", then type a new PIN of " + describePinRules(rules_) +
                              " twice. Keep the card in the reader.");
}

StepResult UnlockFlow::enterOffline(const std::string& why) {
  RawTransmit raw = [this](const Bytes& c) { return card_.transmitRaw(c); };
  rules_ = GIDS_PIN_RULES;
  questions_.clear();
  if (transmit(raw, gidsMseSetAdminKey(MSE_EXTERNAL_AUTH)).sw != sw::OK)
    return finish(Icon::Error, why + " The card refused to start an unblock; call your help desk.");
  Response answer = transmit(raw, gidsRequestChallenge());
  if (answer.sw == sw::AUTH_METHOD_BLOCKED) return finish(Icon::Error, ADMIN_BLOCKED);
  Bytes challenge;
  if (answer.sw != sw::OK || !findTlv(answer.data, 0x81, challenge) ||
      (challenge.size() != 8 && challenge.size() != 16)) {
    return finish(Icon::Error, why + " The card did not give a challenge; call your help desk.");
  }
  challenge_ = toHex(challenge);
  mode_ = Mode::Offline;
  return stay(Icon::Warning, why + " " + HELP_DESK_FALLBACK);
}

bool UnlockFlow::checkPins(Inputs& inputs, std::string& problem) {
  if (inputs.newPin.get() != inputs.confirmPin.get()) {
    problem = "The two new PINs are not the same; type the new PIN twice again.";
    clearPins_ = true;
    return false;
  }
  std::string why = checkNewPin(inputs.newPin.get(), rules_);
  if (!why.empty()) {
    why[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(why[0])));
    problem = "The new PIN was not accepted: " + why + ". Choose another one (nothing was sent yet).";
    clearPins_ = true;
    return false;
  }
  return true;
}

std::string UnlockFlow::answersJson(const Inputs& inputs) const {
  std::string out = "[";
  for (std::size_t i = 0; i < questions_.size(); i++) {
    if (i) out += ",";
    out += "{\"questionId\":" + jsonString(questions_[i].id) + ",\"answer\":" + jsonString(inputs.answers[i].get()) + "}";
  }
  return out + "]";
}

StepResult UnlockFlow::online(Inputs& inputs) {
  for (std::size_t i = 0; i < questions_.size(); i++)
    if (inputs.answers[i].empty()) return stay(Icon::Error, "Answer every question, then press the arrow.");
  std::string problem;
  if (!checkPins(inputs, problem)) return stay(Icon::Error, problem);
  if (!card_.present()) return cardRemoved();
  return hostChallenge_.empty() ? responseUnlock(inputs) : mutualUnlock(inputs);
}

StepResult UnlockFlow::serverRefusal(const HttpAnswer& answer, bool duringAnswers) {
  Json body;
  std::string code;
  long attempts = -1, retryAfter = -1;
  if (Json::parse(answer.body, body) && body["error"]["code"].isString()) {
    code = body["error"]["code"].str();
    if (body["attemptsRemaining"].isNumber()) attempts = static_cast<long>(body["attemptsRemaining"].number());
    if (body["retryAfter"].isNumber()) retryAfter = static_cast<long>(body["retryAfter"].number());
  }
  const std::string wait = retryAfter > 0 ? " for " + describeWait(retryAfter) : "";
  if (code == "online_unlock.wrong_answers" && attempts > 0) {
    clearAnswers_ = true;
    return stay(Icon::Error, "Your answers were not accepted: " + plural(attempts, "attempt", "attempts") +
                                 " left before online unlock locks for you. Check your answers and press the arrow "
                                 "again.");
  }
  if (code == "identity.locked" || code == "online_unlock.wrong_answers") {
    return finish(Icon::Error, "Too many wrong answers: online unlock is locked for you" + wait +
                                   ". Call your help desk: they can unblock your card now.");
  }
  if (code == "online_unlock.rate_limited" || answer.status == 429) {
    return stay(Icon::Error, "Too many unlock attempts from this computer or for this card; wait" +
                                 (wait.empty() ? std::string(" a few minutes") : wait) + ", then press the arrow again.");
  }
  if (code == "online_unlock.expired" || code == "online_unlock.not_found" || code == "online_unlock.closed") {
    reset();
    return stay(Icon::Error, "The unlock session ended before your answers arrived; press the arrow to start again.");
  }
  if (code == "offline_unblock.attempts_exhausted")
    return finish(Icon::Error, "Every attempt this card's admin key allows is used up; call your help desk (the card may need replacing).");
  const bool cardRefused = code == "online_unlock.unavailable" || code == "online_unlock.use_case_disabled" ||
                           code == "card.not_found" || code == "card.not_active" || code == "user.not_active" ||
                           code == "identity.answers_not_set" || code == "online_unlock.last_attempt";
  std::string sentence =
      code == "identity.answers_not_set"
          ? "You have not set your security questions, so your card cannot be unlocked online (set them in self-service afterwards)."
          : code == "online_unlock.last_attempt"
                ? "Your card has a single admin-key attempt left, which only the help desk may use."
                : cardRefused ? "Online unlock is not available for this card (it may not be registered or active, or "
                                "online unlock is not enabled for it)."
                              : "The unlock server refused (" + (code.empty() ? "HTTP " + std::to_string(answer.status) : code) + ").";
  if (!duringAnswers) return enterOffline(sentence);
  return finish(Icon::Error, sentence + " Nothing was changed on the card; call your help desk.");
}

StepResult UnlockFlow::mutualUnlock(Inputs& inputs) {
  RawTransmit raw = [this](const Bytes& c) { return card_.transmitRaw(c); };
  Bytes r1;
  fromHex(hostChallenge_, r1);
  if (transmit(raw, gidsMseSetAdminKey(MSE_MUTUAL_AUTH)).sw != sw::OK)
    return finish(Icon::Error, "The card refused to start the unblock; call your help desk.");
  Response started = transmit(raw, gidsMutualHostChallenge(r1));
  Bytes r2;
  if (started.sw == sw::AUTH_METHOD_BLOCKED) return finish(Icon::Error, ADMIN_BLOCKED);
  if (started.sw != sw::OK || !findTlv(started.data, 0x81, r2) || r2.size() != 16)
    return finish(Icon::Error, "The card did not take part in the unblock; call your help desk.");

  std::string body = "{\"answers\":" + answersJson(inputs) + ",\"cardChallenge\":" + jsonString(toHex(r2)) + "}";
  HttpAnswer answer = server_->post(api_routes::onlineUnlockMutualAuth(sessionId_), body);
  wipe(body);
  if (!answer.reached)
    return stay(Icon::Error, "The unlock server cannot be reached (" + answer.problem + "); nothing was changed. Press the arrow to try again.");
  Json json;
  if (answer.status != 200) return serverRefusal(answer, true);
  Bytes cryptogram;
  if (!Json::parse(answer.body, json) || !json["cryptogram"].isString() || !fromHex(json["cryptogram"].str(), cryptogram) ||
      cryptogram.size() != 40) {
    return finish(Icon::Error, "The unlock server's answer was not understood; nothing was changed on the card. Call your help desk.");
  }
  Response proof = transmit(raw, gidsMutualHostCryptogram(cryptogram));
  wipe(cryptogram);
  Bytes cardCryptogram;
  if (proof.sw == sw::AUTH_METHOD_BLOCKED) return finish(Icon::Error, ADMIN_BLOCKED);
  if (proof.sw != sw::OK || !findTlv(proof.data, 0x82, cardCryptogram)) {
    int left = triesLeftOf(proof.sw);
    return finish(Icon::Error,
                  "The card refused the server's proof, so its admin key is not the one the server holds for it" +
                      (left >= 0 ? " (" + plural(left, "admin-key attempt", "admin-key attempts") + " left)" : std::string()) +
                      "; call your help desk.");
  }
  HttpAnswer confirmed = server_->post(api_routes::onlineUnlockConfirmMutualAuth(sessionId_),
                                       "{\"cardCryptogram\":" + jsonString(toHex(cardCryptogram)) + "}");
  Json confirmJson;
  if (!confirmed.reached || confirmed.status != 200 || !Json::parse(confirmed.body, confirmJson) ||
      !confirmJson["confirmed"].isBool() || !confirmJson["confirmed"].boolean()) {
    transmit(raw, gidsDeauthenticate());
    return finish(Icon::Error,
                  "The unlock server could not confirm your card, so the PIN was not changed; call your help desk.");
  }
  return setNewPin(inputs.newPin.get());
}

StepResult UnlockFlow::responseUnlock(Inputs& inputs) {
  RawTransmit raw = [this](const Bytes& c) { return card_.transmitRaw(c); };
  if (transmit(raw, gidsMseSetAdminKey(MSE_EXTERNAL_AUTH)).sw != sw::OK)
    return finish(Icon::Error, "The card refused to start the unblock; call your help desk.");
  Response got = transmit(raw, gidsRequestChallenge());
  Bytes challenge;
  if (got.sw == sw::AUTH_METHOD_BLOCKED) return finish(Icon::Error, ADMIN_BLOCKED);
  if (got.sw != sw::OK || !findTlv(got.data, 0x81, challenge))
    return finish(Icon::Error, "The card did not give a challenge; call your help desk.");
  std::string challengeHex = toHex(challenge);
  if (static_cast<int>(challengeHex.size()) != challengeLength_)
    return finish(Icon::Error, "The card's admin key is not of the kind registered on the server; call your help desk.");
  std::string body = "{\"answers\":" + answersJson(inputs) + ",\"challenge\":" + jsonString(challengeHex) + "}";
  HttpAnswer answer = server_->post(api_routes::onlineUnlockResponse(sessionId_), body);
  wipe(body);
  if (!answer.reached)
    return stay(Icon::Error, "The unlock server cannot be reached (" + answer.problem + "); nothing was changed. Press the arrow to try again.");
  if (answer.status != 200) return serverRefusal(answer, true);
  Json json;
  Bytes response;
  if (!Json::parse(answer.body, json) || !json["response"].isString() || !fromHex(json["response"].str(), response) ||
      response.size() != challenge.size()) {
    return finish(Icon::Error, "The unlock server's answer was not understood; nothing was changed on the card. Call your help desk.");
  }
  Response auth = transmit(raw, gidsExternalResponse(response));
  wipe(response);
  bool ok = auth.sw == sw::OK;
  StepResult result = ok ? setNewPin(inputs.newPin.get())
                         : finish(Icon::Error, "The card refused the server's response, so its admin key is not the one the server holds for it; call your help desk.");
  server_->post(api_routes::onlineUnlockOutcome(sessionId_),
                std::string("{\"result\":\"") + (ok && result.icon == Icon::Success ? "unblocked" : "failed") + "\"}");
  return result;
}

StepResult UnlockFlow::setNewPin(const std::string& newPin) {
  RawTransmit raw = [this](const Bytes& c) { return card_.transmitRaw(c); };
  Bytes command = gidsResetRetryCounter(newPin);
  Response reset = transmit(raw, command);
  wipe(command);
  if (reset.sw == sw::WRONG_LENGTH)
    return finish(Icon::Error, "The card refused the new PIN's length; press the arrow to start again with a PIN of 4 to 16 characters.");
  if (reset.sw != sw::OK) return finish(Icon::Error, "The card refused the new PIN; call your help desk.");
  transmit(raw, gidsDeauthenticate());
  return finish(Icon::Success, SUCCESS_TEXT);
}

StepResult UnlockFlow::offline(Inputs& inputs) {
  std::string typed;
  for (char c : inputs.response.get())
    if (c != ' ' && c != '-') typed += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (typed.size() != challenge_.size() || !isHex(typed)) {
    wipe(typed);
    clearResponse_ = true;
    return stay(Icon::Error, "The response must be " + std::to_string(challenge_.size()) +
                                 " characters, digits 0-9 and letters A-F; check it with your help desk.");
  }
  std::string problem;
  if (!checkPins(inputs, problem)) return stay(Icon::Error, problem);
  if (!card_.present()) return cardRemoved();
  RawTransmit raw = [this](const Bytes& c) { return card_.transmitRaw(c); };
  Bytes response;
  fromHex(typed, response);
  wipe(typed);
  Response auth = transmit(raw, gidsExternalResponse(response));
  wipe(response);
  if (auth.sw == sw::OK) return setNewPin(inputs.newPin.get());
  if (auth.sw == sw::AUTH_METHOD_BLOCKED) return finish(Icon::Error, ADMIN_BLOCKED);
  if (auth.sw == sw::CONDITIONS_NOT_SATISFIED || auth.sw == sw::INS_NOT_SUPPORTED) return cardRemoved();
  int left = triesLeftOf(auth.sw);
  if (left == 0) return finish(Icon::Error, std::string("Wrong response. ") + ADMIN_BLOCKED);
  std::string attempts = left > 0 ? plural(left, "attempt", "attempts") + " left before the card blocks for good"
                                  : "the card does not say how many attempts are left";
  clearResponse_ = true;
  StepResult again = enterOffline("The card refused the response (" + attempts + ").");
  if (again.finished) return again;
  return stay(Icon::Error, "The card refused the response (" + attempts +
                               "). Read the new challenge below to your help desk and type their new response.");
}

}  // namespace cw

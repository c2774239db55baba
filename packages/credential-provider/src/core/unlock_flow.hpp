// The tile's steps, independent of COM: card -> questions -> answers and new PIN -> unblock -> done, with the
// offline (help desk) fallback on the same tile. Every refusal becomes a sentence the cardholder can act on.
// Nothing here logs: answers, PINs and responses live in Secret values and are wiped after use.
#pragma once
#include <string>
#include <vector>
#include "bytes.hpp"
#include "pin_rules.hpp"
#include "ports.hpp"

namespace cw {

constexpr std::size_t MAX_QUESTIONS = 10;

enum class Mode {
  Start,    // waiting for a card and a press of the arrow
  Online,   // questions shown, answers and new PIN expected
  Offline,  // challenge shown, response and new PIN expected
  Done      // finished (success or a dead end); the next submit starts again
};

enum class Icon { None, Error, Warning, Success };

struct StepResult {
  bool finished = false;  // CPGSR_NO_CREDENTIAL_FINISHED, else CPGSR_NO_CREDENTIAL_NOT_FINISHED
  Icon icon = Icon::None;
  std::string text;
};

/** What the cardholder typed; the COM layer owns and wipes it. */
struct Inputs {
  Secret answers[MAX_QUESTIONS];
  Secret response;
  Secret newPin;
  Secret confirmPin;
};

struct Question {
  std::string id;
  std::string text;
};

extern const char* const SUCCESS_TEXT;

class UnlockFlow {
 public:
  /**
   * `server` may be null: no usable server, so only the offline fallback is offered; `serverProblem` then says
   * why (empty: none configured).
   */
  UnlockFlow(CardPort& card, ServerPort* server, std::string serverProblem = "")
      : card_(card), server_(server), serverProblem_(std::move(serverProblem)) {}
  ~UnlockFlow();

  /** One press of the arrow (GetSerialization): does the current step and says what to show. Never throws. */
  StepResult submit(Inputs& inputs);
  /** Back to the start (tile deselected), forgetting the card and the session. */
  void reset();
  /** The card watcher saw the card leave: a started unblock cannot go on. True when the tile changed. */
  bool cardLeft();
  /** The card watcher saw a card arrive: say so at the start. True when the tile changed. */
  bool cardArrived();

  Mode mode() const { return mode_; }
  /** The sentence under the title: what to do now. */
  const std::string& instruction() const { return instruction_; }
  const std::vector<Question>& questions() const { return questions_; }
  /** Offline: the challenge in groups of four, and its phonetic read-back. */
  std::string challengeGrouped() const;
  std::string challengeReadBack() const;
  const PinRules& pinRules() const { return rules_; }
  /** Which inputs the COM layer should clear after this step (wrong answers, PIN mismatch...). */
  bool clearAnswers() const { return clearAnswers_; }
  bool clearPins() const { return clearPins_; }
  bool clearResponse() const { return clearResponse_; }

 private:
  StepResult start();
  StepResult online(Inputs& inputs);
  StepResult offline(Inputs& inputs);
  StepResult enterOffline(const std::string& why);
  StepResult cardRemoved();
  StepResult finish(Icon icon, const std::string& text);
  StepResult stay(Icon icon, const std::string& text);
  bool checkPins(Inputs& inputs, std::string& problem);
  StepResult mutualUnlock(Inputs& inputs);
  StepResult responseUnlock(Inputs& inputs);
  StepResult setNewPin(const std::string& newPin);
  std::string answersJson(const Inputs& inputs) const;
  StepResult serverRefusal(const HttpAnswer& answer, bool duringAnswers);

  CardPort& card_;
  ServerPort* server_;
  std::string serverProblem_;
  Mode mode_ = Mode::Start;
  std::string instruction_ = "Insert your smart card into the reader, then press the arrow.";
  std::string serial_;
  std::string sessionId_;
  std::string hostChallenge_;  // R1 of GIDS mutual authentication, empty when the server does not offer it
  int challengeLength_ = 0;
  std::string challenge_;  // offline: hex
  std::vector<Question> questions_;
  PinRules rules_ = GIDS_PIN_RULES;
  bool clearAnswers_ = false, clearPins_ = false, clearResponse_ = false;
};

}  // namespace cw

// The tile's field table: fixed IDs (LogonUI asks for descriptors once), shown or hidden per step.
#pragma once
#include "../core/unlock_flow.hpp"
#include "credential_provider_abi.hpp"

namespace cw {

enum FieldId : DWORD {
  FIELD_TITLE = 0,
  FIELD_INSTRUCTION = 1,
  FIELD_FIRST_QUESTION = 2,  // question i at 2 + 2i (text), its answer at 3 + 2i
  FIELD_CHALLENGE = 2 + 2 * MAX_QUESTIONS,
  FIELD_READ_BACK,
  FIELD_RESPONSE,
  FIELD_NEW_PIN,
  FIELD_CONFIRM_PIN,
  FIELD_SUBMIT,
  FIELD_COUNT
};

inline bool isQuestionField(DWORD id) {
  return id >= FIELD_FIRST_QUESTION && id < FIELD_CHALLENGE && (id - FIELD_FIRST_QUESTION) % 2 == 0;
}
inline bool isAnswerField(DWORD id) {
  return id >= FIELD_FIRST_QUESTION && id < FIELD_CHALLENGE && (id - FIELD_FIRST_QUESTION) % 2 == 1;
}
inline std::size_t questionIndex(DWORD id) { return (id - FIELD_FIRST_QUESTION) / 2; }

extern const wchar_t* const TILE_TITLE;

CREDENTIAL_PROVIDER_FIELD_TYPE fieldType(DWORD id);
std::wstring fieldLabel(DWORD id);

}  // namespace cw

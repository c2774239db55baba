#include "fields.hpp"

namespace cw {

const wchar_t* const TILE_TITLE = L"Unlock smart card";

CREDENTIAL_PROVIDER_FIELD_TYPE fieldType(DWORD id) {
  if (id == FIELD_TITLE) return CPFT_LARGE_TEXT;
  if (id == FIELD_INSTRUCTION || isQuestionField(id) || id == FIELD_CHALLENGE || id == FIELD_READ_BACK)
    return CPFT_SMALL_TEXT;
  // Answers are masked like PINs: they are reusable secrets, typed where others may look at the screen.
  if (isAnswerField(id) || id == FIELD_NEW_PIN || id == FIELD_CONFIRM_PIN) return CPFT_PASSWORD_TEXT;
  if (id == FIELD_RESPONSE) return CPFT_EDIT_TEXT;
  if (id == FIELD_SUBMIT) return CPFT_SUBMIT_BUTTON;
  return CPFT_INVALID;
}

std::wstring fieldLabel(DWORD id) {
  if (id == FIELD_TITLE) return TILE_TITLE;
  if (id == FIELD_INSTRUCTION) return L"Instructions";
  if (isQuestionField(id)) return L"Question " + std::to_wstring(questionIndex(id) + 1);
  if (isAnswerField(id)) return L"Answer " + std::to_wstring(questionIndex(id) + 1);
  if (id == FIELD_CHALLENGE) return L"Challenge";
  if (id == FIELD_READ_BACK) return L"Challenge read aloud";
  if (id == FIELD_RESPONSE) return L"Response from your help desk";
  if (id == FIELD_NEW_PIN) return L"New PIN";
  if (id == FIELD_CONFIRM_PIN) return L"Confirm new PIN";
  if (id == FIELD_SUBMIT) return L"Submit";
  return L"";
}

}  // namespace cw

// Presenting a challenge to be read over the phone, as packages/protocol's read-back.ts does.
#pragma once
#include <string>

namespace cw {

/** "7716 F4B2": upper case, groups of four separated by spaces. */
std::string formatGrouped(const std::string& hex);

/** "seven seven one six, foxtrot four bravo two". */
std::string phoneticReadBack(const std::string& hex);

}  // namespace cw

// A small JSON reader and string writer for the server's answers (no dependency; the DLL stays self-contained).
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace cw {

class Json {
 public:
  enum class Kind { Null, Bool, Number, String, Array, Object };

  /** Parses `text`; false when it is not JSON (nesting deeper than 32 is refused). */
  static bool parse(const std::string& text, Json& out);

  Kind kind() const { return kind_; }
  bool isString() const { return kind_ == Kind::String; }
  bool isNumber() const { return kind_ == Kind::Number; }
  bool isBool() const { return kind_ == Kind::Bool; }
  bool isArray() const { return kind_ == Kind::Array; }
  bool isObject() const { return kind_ == Kind::Object; }
  const std::string& str() const { return string_; }
  double number() const { return number_; }
  bool boolean() const { return bool_; }
  const std::vector<Json>& items() const { return array_; }
  /** The member `key`, or a null value when absent. */
  const Json& operator[](const std::string& key) const;

 private:
  friend struct JsonParser;
  Kind kind_ = Kind::Null;
  bool bool_ = false;
  double number_ = 0;
  std::string string_;
  std::vector<Json> array_;
  std::map<std::string, Json> object_;
};

/** `text` as a JSON string literal, quotes included. */
std::string jsonString(const std::string& text);

}  // namespace cw

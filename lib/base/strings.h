#ifndef DP_LIB_BASE_STRINGS_H_
#define DP_LIB_BASE_STRINGS_H_

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

// Debian 12's Abseil is built with its own absl::string_view, distinct from
// std::string_view, so absl::StrCat refuses std::string_view arguments.
// These two helpers do the same job over fmt and accept any formattable type.
namespace dp {

// IsDigits: `text` is exactly `length` ASCII digits.
//   IsDigits("401234", 6) -> true; IsDigits("4012-4", 6) -> false
inline bool IsDigits(std::string_view text, size_t length) {
  if (text.size() != length) return false;
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// SplitCommas splits "7995,5813" into its parts ("" into none), as
// PostgreSQL's array_to_string(..., ',') joined them.
inline std::vector<std::string> SplitCommas(std::string_view joined) {
  std::vector<std::string> out;
  for (size_t at = 0; at < joined.size();) {
    const size_t comma = std::min(joined.find(',', at), joined.size());
    out.emplace_back(joined.substr(at, comma - at));
    at = comma + 1;
  }
  return out;
}

// Hundredths shows a count in hundredths with two decimals, as hours are
// kept: Hundredths(1250) -> "12.50", Hundredths(-5) -> "-0.05".
inline std::string Hundredths(int64_t centi) {
  const int64_t whole = (centi < 0 ? -centi : centi) / 100, rest = (centi < 0 ? -centi : centi) % 100;
  return std::string(centi < 0 ? "-" : "") + std::to_string(whole) + (rest < 10 ? ".0" : ".") +
         std::to_string(rest);
}

// Quoted is `text` in double quotes for a message, cut to its first
// `max_bytes` bytes and with anything but printable ASCII shown as '?', so
// that a refusal never echoes a megabyte or a broken byte sequence back:
//   Quoted("XYZ") -> "\"XYZ\""; Quoted(std::string(1 << 20, 'a')) -> "\"aaa...\" (1048576 bytes)"
inline std::string Quoted(std::string_view text, size_t max_bytes = 40) {
  std::string out = "\"";
  for (size_t i = 0; i < text.size() && i < max_bytes; ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    out.push_back(c >= 0x20 && c < 0x7f ? static_cast<char>(c) : '?');
  }
  out.push_back('"');
  if (text.size() > max_bytes) out += "... (" + std::to_string(text.size()) + " bytes)";
  return out;
}

// StrAppend appends each argument's text to `out`:
//   StrAppend(&sql, "LIMIT ", 50);
template <typename... Args>
void StrAppend(std::string* out, const Args&... args) {
  (fmt::format_to(std::back_inserter(*out), "{}", args), ...);
}

// StrCat concatenates its arguments' text: StrCat("account ", 42) -> "account 42".
template <typename... Args>
std::string StrCat(const Args&... args) {
  std::string out;
  StrAppend(&out, args...);
  return out;
}

}  // namespace dp

#endif  // DP_LIB_BASE_STRINGS_H_

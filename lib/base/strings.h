#ifndef DP_LIB_BASE_STRINGS_H_
#define DP_LIB_BASE_STRINGS_H_

#include <string>

#include <fmt/format.h>

// Debian 12's Abseil is built with its own absl::string_view, distinct from
// std::string_view, so absl::StrCat refuses std::string_view arguments.
// These two helpers do the same job over fmt and accept any formattable type.
namespace dp {

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

#ifndef DP_LIB_BASE_WIN_ANSI_H_
#define DP_LIB_BASE_WIN_ANSI_H_

#include <string>

namespace dp {

// ToWinAnsi converts UTF-8 text for the PDF built-in fonts' WinAnsi
// encoding: "£" and "•" become their single bytes; any other non-ASCII
// character becomes '?'.
//
//   ToWinAnsi("£12 • paid") -> "\xA3" "12 \x95 paid"
inline std::string ToWinAnsi(const std::string& utf8) {
  std::string out;
  for (size_t i = 0; i < utf8.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(utf8[i]);
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else if (utf8.compare(i, 2, "\xC2\xA3") == 0) {
      out.push_back('\xA3');
      i += 1;
    } else if (utf8.compare(i, 3, "\xE2\x80\xA2") == 0) {
      out.push_back('\x95');
      i += 2;
    } else {
      out.push_back('?');
      while (i + 1 < utf8.size() && (static_cast<unsigned char>(utf8[i + 1]) & 0xC0) == 0x80) ++i;
    }
  }
  return out;
}

}  // namespace dp

#endif  // DP_LIB_BASE_WIN_ANSI_H_

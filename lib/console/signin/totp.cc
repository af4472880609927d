#include "console/signin/totp.h"

#include <openssl/crypto.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <array>

#include "base/check.h"
#include "base/strings.h"

namespace dp::console {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
constexpr int64_t kStepSeconds = 30;

std::string UriEscape(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '@') {
      out += static_cast<char>(c);
    } else {
      static constexpr char kHex[] = "0123456789ABCDEF";
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace

std::string NewTotpSecret() {
  std::string secret(20, '\0');
  DP_CHECK(RAND_bytes(reinterpret_cast<unsigned char*>(secret.data()), secret.size()) == 1);
  return secret;
}

std::string Base32(std::string_view bytes) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 5) {
      out += kAlphabet[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += kAlphabet[(buffer << (5 - bits)) & 31];
  return out;
}

std::optional<std::string> DecodeBase32(std::string_view text) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    if (c == ' ' || c == '=') continue;
    const char upper = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    const char* at = std::char_traits<char>::find(kAlphabet, 32, upper);
    if (at == nullptr) return std::nullopt;
    buffer = (buffer << 5) | static_cast<uint32_t>(at - kAlphabet);
    bits += 5;
    if (bits >= 8) {
      out += static_cast<char>((buffer >> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return out;
}

std::string Hotp(std::string_view secret, uint64_t counter, int digits) {
  DP_CHECK(digits >= 6 && digits <= 8);
  std::array<unsigned char, 8> message{};
  for (int i = 7; i >= 0; --i) {
    message[i] = static_cast<unsigned char>(counter & 0xff);
    counter >>= 8;
  }
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  DP_CHECK(HMAC(EVP_sha1(), secret.data(), static_cast<int>(secret.size()), message.data(),
                message.size(), mac, &mac_len) != nullptr);
  DP_CHECK(mac_len == 20);
  const int offset = mac[19] & 0x0f;
  const uint32_t binary = (static_cast<uint32_t>(mac[offset] & 0x7f) << 24) |
                          (static_cast<uint32_t>(mac[offset + 1]) << 16) |
                          (static_cast<uint32_t>(mac[offset + 2]) << 8) |
                          static_cast<uint32_t>(mac[offset + 3]);
  uint32_t modulus = 1;
  for (int i = 0; i < digits; ++i) modulus *= 10;
  std::string code = std::to_string(binary % modulus);
  return std::string(digits - code.size(), '0') + code;
}

std::string TotpAt(std::string_view secret, int64_t unix_seconds, int digits) {
  return Hotp(secret, static_cast<uint64_t>(unix_seconds / kStepSeconds), digits);
}

std::optional<int64_t> TotpStep(std::string_view secret, std::string_view code,
                                int64_t unix_seconds) {
  if (code.size() != 6) return std::nullopt;
  const int64_t now_step = unix_seconds / kStepSeconds;
  std::optional<int64_t> matched;
  for (int64_t step = now_step - 1; step <= now_step + 1; ++step) {  // all three, always
    const std::string want = Hotp(secret, static_cast<uint64_t>(step));
    if (CRYPTO_memcmp(want.data(), code.data(), 6) == 0) matched = step;
  }
  return matched;
}

std::string OtpauthUri(std::string_view issuer, std::string_view account, std::string_view secret) {
  return dp::StrCat("otpauth://totp/", UriEscape(issuer), ":", UriEscape(account),
                    "?secret=", Base32(secret), "&issuer=", UriEscape(issuer),
                    "&algorithm=SHA1&digits=6&period=30");
}

}  // namespace dp::console

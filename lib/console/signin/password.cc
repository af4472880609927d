#include "console/signin/password.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "base/check.h"
#include "base/strings.h"

namespace dp::console {
namespace {

// 2^15 x 8 x 128 bytes = 32 MiB a hash (OWASP's scrypt minimum is 2^17
// with r=8 at 128 MiB; 2^15 keeps 50 concurrent sign-ins within memory).
constexpr uint64_t kN = 1 << 15;
constexpr uint64_t kR = 8;
constexpr uint64_t kP = 1;
constexpr size_t kSaltBytes = 16;
constexpr size_t kHashBytes = 32;
constexpr uint64_t kMaxMemoryBytes = 256ull << 20;

}  // namespace

std::string Scrypt(std::string_view password, std::string_view salt, uint64_t n, uint64_t r,
                   uint64_t p, size_t length) {
  std::string out(length, '\0');
  const int ok =
      EVP_PBE_scrypt(password.data(), password.size(),
                     reinterpret_cast<const unsigned char*>(salt.data()), salt.size(), n, r, p,
                     kMaxMemoryBytes, reinterpret_cast<unsigned char*>(out.data()), out.size());
  DP_CHECK(ok == 1);
  return out;
}

std::string HashPassword(std::string_view password) {
  std::string salt(kSaltBytes, '\0');
  DP_CHECK(RAND_bytes(reinterpret_cast<unsigned char*>(salt.data()), salt.size()) == 1);
  const std::string hash = Scrypt(password, salt, kN, kR, kP, kHashBytes);
  return dp::StrCat("scrypt$", kN, "$", kR, "$", kP, "$", absl::Base64Escape(salt), "$",
                    absl::Base64Escape(hash));
}

bool VerifyPassword(std::string_view password, std::string_view stored) {
  const std::vector<std::string> parts = absl::StrSplit(std::string(stored), '$');
  if (parts.size() != 6 || parts[0] != "scrypt") return false;
  uint64_t n = 0, r = 0, p = 0;
  if (!absl::SimpleAtoi(parts[1], &n) || !absl::SimpleAtoi(parts[2], &r) ||
      !absl::SimpleAtoi(parts[3], &p)) {
    return false;
  }
  // Bounded: a stored text cannot make a sign-in cost more than this.
  if (n < 2 || n > (1 << 20) || (n & (n - 1)) != 0 || r < 1 || r > 32 || p < 1 || p > 16) {
    return false;
  }
  std::string salt, want;
  if (!absl::Base64Unescape(parts[4], &salt) || !absl::Base64Unescape(parts[5], &want) ||
      want.empty() || want.size() > 64) {
    return false;
  }
  const std::string got = Scrypt(password, salt, n, r, p, want.size());
  return CRYPTO_memcmp(got.data(), want.data(), want.size()) == 0;
}

absl::Status CheckNewPassword(std::string_view password) {
  if (password.size() < 12) {
    return absl::InvalidArgumentError("Choose a password of at least 12 characters.");
  }
  if (password.size() > 200) {
    return absl::InvalidArgumentError("Choose a password of at most 200 characters.");
  }
  return absl::OkStatus();
}

}  // namespace dp::console

#ifndef DP_LIB_CONSOLE_SIGNIN_PASSWORD_H_
#define DP_LIB_CONSOLE_SIGNIN_PASSWORD_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

// Console passwords, hashed with scrypt (RFC 7914, through OpenSSL's
// EVP_PBE_scrypt): memory-hard, so that a stolen table of hashes costs an
// attacker 32 MiB and tens of milliseconds for every guess.
namespace dp::console {

// HashPassword hashes `password` under a fresh random salt into one
// self-describing text, "scrypt$N$r$p$salt$hash" (salt and hash in base64),
// so that the cost can be raised later without breaking older hashes.
//
//   std::string stored = HashPassword("correct horse battery");
//   VerifyPassword("correct horse battery", stored);  // true
std::string HashPassword(std::string_view password);

// VerifyPassword tells whether `password` matches `stored`, comparing in
// constant time; a malformed `stored` never matches.
bool VerifyPassword(std::string_view password, std::string_view stored);

// CheckNewPassword refuses a password too short or too long to choose
// (12 to 200 characters), with the reason in words for the form.
absl::Status CheckNewPassword(std::string_view password);

// Scrypt is RFC 7914's function itself, for its test vectors.
std::string Scrypt(std::string_view password, std::string_view salt, uint64_t n, uint64_t r,
                   uint64_t p, size_t length);

}  // namespace dp::console

#endif  // DP_LIB_CONSOLE_SIGNIN_PASSWORD_H_

#ifndef DP_LIB_CONSOLE_SIGNIN_TOTP_H_
#define DP_LIB_CONSOLE_SIGNIN_TOTP_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

// Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP), as every
// authenticator app shows them: HMAC-SHA1, 30-second steps, 6 digits.
namespace dp::console {

// NewTotpSecret is 20 random bytes (RFC 4226's recommended 160 bits).
std::string NewTotpSecret();

// Base32 encodes as RFC 4648 without padding, as authenticator apps take a
// secret ("JBSWY3DPEHPK3PXP"); DecodeBase32 reads it back (spaces and case
// ignored), or nothing when it is not base32.
std::string Base32(std::string_view bytes);
std::optional<std::string> DecodeBase32(std::string_view text);

// Hotp is RFC 4226's value of `counter`, `digits` long, zero-padded.
//
//   Hotp("12345678901234567890", 0, 6) == "755224"
std::string Hotp(std::string_view secret, uint64_t counter, int digits = 6);

// TotpAt is the code shown at `unix_seconds` (RFC 6238, 30-second steps).
std::string TotpAt(std::string_view secret, int64_t unix_seconds, int digits = 6);

// TotpStep is the step a code entered at `unix_seconds` matches: the
// current one or one either side (a clock 30 s off, a code typed as it
// turned), compared in constant time; nothing when none does. The caller
// keeps the last step used and refuses it again, so a code works once.
std::optional<int64_t> TotpStep(std::string_view secret, std::string_view code,
                                int64_t unix_seconds);

// OtpauthUri is the otpauth:// link an authenticator app reads (as a QR
// code or pasted), naming the issuer and the account.
std::string OtpauthUri(std::string_view issuer, std::string_view account, std::string_view secret);

}  // namespace dp::console

#endif  // DP_LIB_CONSOLE_SIGNIN_TOTP_H_

#ifndef DP_LIB_CONSOLE_SIGNIN_TOKEN_H_
#define DP_LIB_CONSOLE_SIGNIN_TOKEN_H_

#include <string>

namespace dp::console {

// NewToken is 32 random bytes (OpenSSL's RAND_bytes), base64url without
// padding: 43 characters, for sessions, invitations and form tokens.
std::string NewToken();

}  // namespace dp::console

#endif  // DP_LIB_CONSOLE_SIGNIN_TOKEN_H_

#ifndef DP_LIB_BASE_SHA256_H_
#define DP_LIB_BASE_SHA256_H_

#include <string>
#include <string_view>

namespace dp {

// Sha256Hex is the lower-case hex SHA-256 of `data` (OpenSSL):
//   Sha256Hex("abc") -> "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
std::string Sha256Hex(std::string_view data);

}  // namespace dp

#endif  // DP_LIB_BASE_SHA256_H_

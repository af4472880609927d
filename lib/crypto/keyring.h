#ifndef DP_LIB_CRYPTO_KEYRING_H_
#define DP_LIB_CRYPTO_KEYRING_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace dp::crypto {

// Keyring holds the secret keys that never go in the database: data keys
// for encrypting personal data (by key id, for rotation), the key of the
// keyed hash used to look up NI numbers, and the key of the audit chain.
// Each key is 32 random bytes. The file (or DP_KEYS) has one key a line:
//
//   data k2 <base64>      # the first data line is the active key
//   data k1 <base64>      # older keys stay to decrypt until rotated away
//   lookup <base64>
//   audit <base64>
//
// `tools/keys new FILE` writes a fresh keyring; `tools/keys rotate FILE`
// puts a new active data key first.
class Keyring {
 public:
  static absl::StatusOr<Keyring> Parse(std::string_view text);
  static absl::StatusOr<Keyring> FromFile(const std::string& path);

  const std::string& active_data_key_id() const { return active_data_key_id_; }
  // DataKey returns the key with that id, or NOT_FOUND.
  absl::StatusOr<std::string> DataKey(std::string_view key_id) const;
  const std::string& lookup_key() const { return lookup_key_; }
  const std::string& audit_key() const { return audit_key_; }

 private:
  std::map<std::string, std::string, std::less<>> data_keys_;
  std::string active_data_key_id_;
  std::string lookup_key_;
  std::string audit_key_;
};

// HmacSha256Hex is the hex HMAC-SHA256 of `data` under `key` (OpenSSL).
std::string HmacSha256Hex(std::string_view key, std::string_view data);

}  // namespace dp::crypto

#endif  // DP_LIB_CRYPTO_KEYRING_H_

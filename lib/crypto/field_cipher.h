#ifndef DP_LIB_CRYPTO_FIELD_CIPHER_H_
#define DP_LIB_CRYPTO_FIELD_CIPHER_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "crypto/keyring.h"

namespace dp::crypto {

// FieldCipher encrypts one personal-data field at a time with AES-256-GCM
// (OpenSSL EVP), under the keyring's active data key. The stored text
// carries the key id, so that keys can be rotated:
//
//   "v1:k2:<base64 of 12-byte nonce | ciphertext | 16-byte tag>"
//
// `context` is authenticated but not stored (GCM's additional data): pass
// the column's name, so that a ciphertext copied into another column does
// not decrypt.
//
//   FieldCipher cipher(keyring);
//   std::string stored = cipher.Encrypt("QQ123456C", "people.ni_number");
//   cipher.Decrypt(stored, "people.ni_number") -> "QQ123456C"
class FieldCipher {
 public:
  explicit FieldCipher(const Keyring& keyring) : keyring_(keyring) {}

  std::string Encrypt(std::string_view plaintext, std::string_view context) const;
  // Decrypt fails with DATA_LOSS when the text was altered or the context
  // differs, NOT_FOUND when its key is no longer in the keyring.
  absl::StatusOr<std::string> Decrypt(std::string_view stored, std::string_view context) const;
  // KeyIdOf returns the key id of a stored ciphertext ("" if malformed).
  static std::string KeyIdOf(std::string_view stored);
  // LookupHash is the keyed hash for exact-match lookups (HMAC-SHA256).
  std::string LookupHash(std::string_view normalized) const;
  const std::string& active_key_id() const { return keyring_.active_data_key_id(); }

 private:
  const Keyring& keyring_;
};

}  // namespace dp::crypto

#endif  // DP_LIB_CRYPTO_FIELD_CIPHER_H_

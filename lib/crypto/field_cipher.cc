#include "crypto/field_cipher.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <memory>

#include "base/strings.h"

namespace dp::crypto {
namespace {

constexpr int kNonceBytes = 12;
constexpr int kTagBytes = 16;

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

std::string Base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

bool Unbase64(std::string_view text, std::string* out) {
  if (text.empty() || text.size() % 4 != 0) return false;
  out->assign(text.size(), '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out->data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0) return false;
  size_t len = static_cast<size_t>(n);
  for (size_t i = text.size(); i > 0 && text[i - 1] == '='; --i) --len;
  out->resize(len);
  return true;
}

}  // namespace

std::string FieldCipher::Encrypt(std::string_view plaintext, std::string_view context) const {
  const std::string& key_id = keyring_.active_data_key_id();
  const std::string key = *keyring_.DataKey(key_id);
  std::string nonce(kNonceBytes, '\0');
  RAND_bytes(reinterpret_cast<unsigned char*>(nonce.data()), kNonceBytes);
  CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr,
                     reinterpret_cast<const unsigned char*>(key.data()),
                     reinterpret_cast<const unsigned char*>(nonce.data()));
  int len = 0;
  EVP_EncryptUpdate(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(context.data()),
                    static_cast<int>(context.size()));
  std::string sealed(nonce);
  sealed.resize(kNonceBytes + plaintext.size() + kTagBytes);
  auto* out = reinterpret_cast<unsigned char*>(sealed.data()) + kNonceBytes;
  EVP_EncryptUpdate(ctx.get(), out, &len, reinterpret_cast<const unsigned char*>(plaintext.data()),
                    static_cast<int>(plaintext.size()));
  int tail = 0;
  EVP_EncryptFinal_ex(ctx.get(), out + len, &tail);
  EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes, out + plaintext.size());
  return dp::StrCat("v1:", key_id, ":", Base64(sealed));
}

std::string FieldCipher::KeyIdOf(std::string_view stored) {
  if (stored.rfind("v1:", 0) != 0) return "";
  const size_t end = stored.find(':', 3);
  return end == std::string_view::npos ? "" : std::string(stored.substr(3, end - 3));
}

absl::StatusOr<std::string> FieldCipher::Decrypt(std::string_view stored,
                                                 std::string_view context) const {
  const std::string key_id = KeyIdOf(stored);
  std::string sealed;
  if (key_id.empty() || !Unbase64(stored.substr(3 + key_id.size() + 1), &sealed) ||
      sealed.size() < static_cast<size_t>(kNonceBytes + kTagBytes)) {
    return absl::DataLossError("an encrypted field is malformed");
  }
  auto key = keyring_.DataKey(key_id);
  if (!key.ok()) return key.status();
  const size_t text_len = sealed.size() - kNonceBytes - kTagBytes;
  auto* bytes = reinterpret_cast<unsigned char*>(sealed.data());
  CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr,
                     reinterpret_cast<const unsigned char*>(key->data()), bytes);
  int len = 0;
  EVP_DecryptUpdate(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(context.data()),
                    static_cast<int>(context.size()));
  std::string plaintext(text_len, '\0');
  EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(plaintext.data()), &len,
                    bytes + kNonceBytes, static_cast<int>(text_len));
  EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, bytes + kNonceBytes + text_len);
  int tail = 0;
  if (EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(plaintext.data()) + len,
                          &tail) != 1) {
    return absl::DataLossError(
        "an encrypted field does not authenticate: it was altered or moved from another column");
  }
  return plaintext;
}

std::string FieldCipher::LookupHash(std::string_view normalized) const {
  return HmacSha256Hex(keyring_.lookup_key(), normalized);
}

}  // namespace dp::crypto

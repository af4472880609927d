#include "crypto/keyring.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <fstream>
#include <sstream>

#include "base/strings.h"

namespace dp::crypto {
namespace {

absl::StatusOr<std::string> DecodeKey(const std::string& b64, int line) {
  std::string out(b64.size(), '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(b64.data()),
                                static_cast<int>(b64.size()));
  if (n < 0) return absl::InvalidArgumentError(dp::StrCat("keys line ", line, ": bad base64"));
  // EVP_DecodeBlock counts '=' padding as zero bytes: drop them.
  size_t len = static_cast<size_t>(n);
  for (size_t i = b64.size(); i > 0 && b64[i - 1] == '='; --i) --len;
  out.resize(len);
  if (out.size() != 32) {
    return absl::InvalidArgumentError(
        dp::StrCat("keys line ", line, ": a key must be 32 bytes, got ", out.size()));
  }
  return out;
}

}  // namespace

absl::StatusOr<Keyring> Keyring::Parse(std::string_view text) {
  Keyring ring;
  std::istringstream in{std::string(text)};
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (auto hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    std::istringstream words(line);
    std::string kind, a, b;
    if (!(words >> kind)) continue;
    words >> a >> b;
    if (kind == "data") {
      auto key = DecodeKey(b, number);
      if (!key.ok()) return key.status();
      if (ring.active_data_key_id_.empty()) ring.active_data_key_id_ = a;
      ring.data_keys_[a] = *key;
    } else if (kind == "lookup" || kind == "audit") {
      auto key = DecodeKey(a, number);
      if (!key.ok()) return key.status();
      (kind == "lookup" ? ring.lookup_key_ : ring.audit_key_) = *key;
    } else {
      return absl::InvalidArgumentError(
          dp::StrCat("keys line ", number, ": unknown kind \"", kind, "\""));
    }
  }
  if (ring.active_data_key_id_.empty() || ring.lookup_key_.empty() || ring.audit_key_.empty()) {
    return absl::InvalidArgumentError(
        "the keyring needs a data key, a lookup key and an audit key; tools/keys new FILE makes one");
  }
  return ring;
}

absl::StatusOr<Keyring> Keyring::FromFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(dp::StrCat("cannot read the keys file ", path));
  std::stringstream s;
  s << in.rdbuf();
  return Parse(s.str());
}

absl::StatusOr<std::string> Keyring::DataKey(std::string_view key_id) const {
  auto it = data_keys_.find(key_id);
  if (it == data_keys_.end()) {
    return absl::NotFoundError(dp::StrCat("data key \"", key_id, "\" is not in the keyring"));
  }
  return it->second;
}

std::string HmacSha256Hex(std::string_view key, std::string_view data) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, &len);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < len; ++i) {
    hex.push_back(kHex[mac[i] >> 4]);
    hex.push_back(kHex[mac[i] & 0xf]);
  }
  return hex;
}

}  // namespace dp::crypto

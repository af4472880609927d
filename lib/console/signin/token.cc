#include "console/signin/token.h"

#include <openssl/rand.h>

#include "absl/strings/escaping.h"
#include "base/check.h"

namespace dp::console {

std::string NewToken() {
  std::string bytes(32, '\0');
  DP_CHECK(RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), bytes.size()) == 1);
  return absl::WebSafeBase64Escape(bytes);
}

}  // namespace dp::console

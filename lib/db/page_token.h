#ifndef DP_LIB_DB_PAGE_TOKEN_H_
#define DP_LIB_DB_PAGE_TOKEN_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace dp::db {

// EncodePageToken makes an opaque AIP-158 page token that resumes a keyset
// scan after `last_id`. `query_fingerprint` binds the token to the query's
// filters so that a token cannot be replayed against another query.
//
//   std::string token = EncodePageToken("accounts|authority|A1", 42);
//   DecodePageToken(token, "accounts|authority|A1") -> 42
std::string EncodePageToken(std::string_view query_fingerprint, int64_t last_id);

// DecodePageToken returns the id to resume after: 0 for an empty token, or
// INVALID_ARGUMENT naming page_token when it is malformed or belongs to a
// different query.
absl::StatusOr<int64_t> DecodePageToken(std::string_view token,
                                        std::string_view query_fingerprint);

// EncodeKeyPageToken and DecodeKeyPageToken do the same for a list whose
// rows are keyed by text (a principal's name, a grant's three parts): the
// token resumes after `last_key`, whose parts hold no NUL (PostgreSQL text
// cannot). Decoding an empty token gives an empty key; a token of another
// query, or with another number of parts, is INVALID_ARGUMENT.
//
//   std::string token = EncodeKeyPageToken("grants|ISO-1", {"ISO-1", "agreement", "12"});
//   DecodeKeyPageToken(token, "grants|ISO-1", 3) -> {"ISO-1", "agreement", "12"}
std::string EncodeKeyPageToken(std::string_view query_fingerprint,
                               const std::vector<std::string>& last_key);
absl::StatusOr<std::vector<std::string>> DecodeKeyPageToken(std::string_view token,
                                                            std::string_view query_fingerprint,
                                                            size_t parts);

// ClampPageSize applies AIP-158 defaults: 0 means `default_size`; larger
// than `max_size` is lowered to it; negative is INVALID_ARGUMENT.
absl::StatusOr<int> ClampPageSize(int requested, int default_size, int max_size);

// kMaxPageBytes bounds one page of any list in bytes, well under gRPC's 4 MiB
// message limit, so that no data anyone wrote can make a list unreadable.
inline constexpr size_t kMaxPageBytes = 1 << 20;

// PageFill decides, row by row, whether a page has room for one more: at
// most `max_rows` rows and, past the first row, at most `max_bytes` in all.
// A list stops at the first row with no room and resumes from the last
// row it gave.
//
//   PageFill fill(*page_size);
//   for (const auto& row : rows) {
//     if (!fill.Room(RowBytes(row))) { page.next_page_token = EncodePageToken(f, last); break; }
//     ...
//   }
class PageFill {
 public:
  explicit PageFill(int max_rows, size_t max_bytes = kMaxPageBytes)
      : max_rows_(max_rows), max_bytes_(max_bytes) {}
  bool Room(size_t row_bytes) {
    if (rows_ >= max_rows_ || (rows_ > 0 && bytes_ + row_bytes > max_bytes_)) return false;
    ++rows_;
    bytes_ += row_bytes;
    return true;
  }

 private:
  int max_rows_;
  size_t max_bytes_;
  int rows_ = 0;
  size_t bytes_ = 0;
};

// FillPage keeps one page of a list of messages: each of `rows` (read for
// one more than the page, so that a next page is known) is made an item by
// `make`, which returns the row's id, and kept by `keep` while the page has
// room (PageFill). Returns the token that resumes after the last row kept,
// bound to `fingerprint`; "" when the list ended on this page.
//
//   out->set_next_page_token(FillPage<v1::Card>(rows, *size, fingerprint,
//       [](const Card& c, v1::Card* item) { ToProto(c, item); return c.id; },
//       [&](v1::Card&& item) { *out->add_cards() = std::move(item); }));
template <typename Item, typename Rows, typename Make, typename Keep>
std::string FillPage(const Rows& rows, int page_size, std::string_view fingerprint, Make make,
                     Keep keep) {
  PageFill page(page_size);
  int64_t last = 0;
  for (const auto& row : rows) {
    Item item;
    const int64_t id = make(row, &item);
    if (!page.Room(item.ByteSizeLong())) return EncodePageToken(fingerprint, last);
    last = id;
    keep(std::move(item));
  }
  return "";
}

}  // namespace dp::db

#endif  // DP_LIB_DB_PAGE_TOKEN_H_

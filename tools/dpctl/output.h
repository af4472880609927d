#ifndef DP_TOOLS_DPCTL_OUTPUT_H_
#define DP_TOOLS_DPCTL_OUTPUT_H_

#include <string>
#include <vector>

#include <google/protobuf/message.h>
#include <grpcpp/support/status.h>

#include "dp/v1/common.pb.h"

namespace dpctl {

enum class Format { kTable, kJson };

// Output renders results as an aligned table for people or as JSON (the
// protobuf JSON mapping, field names as in the .proto) for scripts.
class Output {
 public:
  explicit Output(Format format) : format_(format) {}
  bool json() const { return format_ == Format::kJson; }

  // Table prints rows under headers, columns padded to their widest cell.
  void Table(const std::vector<std::string>& headers,
             const std::vector<std::vector<std::string>>& rows) const;
  // KeyValues prints "key: value" lines, keys aligned.
  void KeyValues(const std::vector<std::pair<std::string, std::string>>& pairs) const;
  // Json prints one message in the protobuf JSON mapping.
  void Json(const google::protobuf::Message& message) const;

 private:
  Format format_;
};

// ExitCodeFor maps a gRPC status to dpctl's exit code: 0 for OK, otherwise
// 10 + the gRPC code (13 NOT_FOUND, 13+... see README), so scripts can branch.
int ExitCodeFor(const grpc::Status& status);


// Pounds renders pence with a currency: 123456, "GBP" -> "1234.56 GBP".
std::string Pounds(int64_t pence, const std::string& currency);

// Gbp renders GBP money for a table: 123456 -> "1234.56 GBP".
std::string Gbp(const dp::v1::Money& money);

// Lower is an enum value's name as dpctl shows it: its prefix dropped, in
// lower case. Lower("CARD_STATUS_ACTIVE", "CARD_STATUS_") -> "active".
std::string Lower(const std::string& name, const std::string& prefix);

// MoneyFlag reads a pounds flag ("12.50") into GBP money exactly; false,
// with a message naming the flag on stderr, when it is not an amount.
bool MoneyFlag(const std::string& text, const std::string& flag, dp::v1::Money* out);

// ParseDate reads a YYYY-MM-DD flag into a Date; false if it is not one
// (the service checks that the date exists).
bool ParseDate(const std::string& text, dp::v1::Date* out);
// DateText renders a Date as YYYY-MM-DD, or "-" when unset.
std::string DateText(const dp::v1::Date& date);
// TodayUtc is today's date in UTC.
dp::v1::Date TodayUtc();

// Rfc3339 renders seconds since the epoch as UTC: "2026-11-23T20:01:51Z".
std::string Rfc3339(int64_t seconds);
// InstantText renders microseconds since the epoch as UTC to the
// microsecond, "2026-12-02T05:40:00.123456Z", and ParseInstant reads one
// (fewer digits of the second's fraction, or none, are fine).
std::string InstantText(int64_t micros);
bool ParseInstant(const std::string& text, int64_t* micros);

}  // namespace dpctl

#endif  // DP_TOOLS_DPCTL_OUTPUT_H_

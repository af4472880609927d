#ifndef DP_LIB_SERVICE_PROTO_CONVERT_H_
#define DP_LIB_SERVICE_PROTO_CONVERT_H_

#include <cstdint>
#include <optional>
#include <string_view>

#include <google/protobuf/timestamp.pb.h>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "dp/v1/common.pb.h"

// Conversions every service needs between the shared protobuf types and
// plain values: timestamps, calendar dates and GBP amounts.
namespace dp::service {

void ToTimestamp(int64_t micros, google::protobuf::Timestamp* out);
int64_t FromTimestamp(const google::protobuf::Timestamp& ts);

// DayFromProto reads a date field; INVALID_ARGUMENT names `field` when the
// date does not exist (2026-02-30).
absl::StatusOr<absl::CivilDay> DayFromProto(const v1::Date& date, std::string_view field);
// OptionalDay: an unset (all zero) date is empty.
absl::StatusOr<std::optional<absl::CivilDay>> OptionalDay(const v1::Date& date,
                                                          std::string_view field);
void DayToProto(absl::CivilDay day, v1::Date* out);

// PenceFromProto reads a GBP amount (an empty currency means GBP), refusing
// another currency or a negative amount with the field's name.
absl::StatusOr<int64_t> PenceFromProto(const v1::Money& money, std::string_view field);
void PenceToProto(int64_t pence, v1::Money* out);  // GBP

// TodayInLondon is today's date in the UK (Europe/London, UTC if the time
// zone data is missing): the day a payment or decision belongs to.
absl::CivilDay TodayInLondon();

}  // namespace dp::service

#endif  // DP_LIB_SERVICE_PROTO_CONVERT_H_

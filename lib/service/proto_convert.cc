#include "service/proto_convert.h"

#include "absl/time/time.h"
#include "base/refusal.h"
#include "base/strings.h"

namespace dp::service {

void ToTimestamp(int64_t micros, google::protobuf::Timestamp* out) {
  out->set_seconds(micros / 1'000'000);
  out->set_nanos(static_cast<int32_t>(micros % 1'000'000) * 1000);
}

int64_t FromTimestamp(const google::protobuf::Timestamp& ts) {
  return ts.seconds() * 1'000'000 + ts.nanos() / 1000;
}

absl::StatusOr<absl::CivilDay> DayFromProto(const v1::Date& d, std::string_view field) {
  const absl::CivilDay day(d.year(), d.month(), d.day());
  if (d.year() < 1900 || d.year() > 2200 || day.year() != d.year() || day.month() != d.month() ||
      day.day() != d.day()) {
    return FieldError(field, dp::StrCat("is not a valid date (",
                                                 d.year(), "-", d.month(), "-", d.day(), ")"));
  }
  return day;
}

absl::StatusOr<std::optional<absl::CivilDay>> OptionalDay(const v1::Date& d,
                                                          std::string_view field) {
  if (d.year() == 0 && d.month() == 0 && d.day() == 0) return std::optional<absl::CivilDay>();
  auto day = DayFromProto(d, field);
  if (!day.ok()) return day.status();
  return std::optional<absl::CivilDay>(*day);
}

void DayToProto(absl::CivilDay day, v1::Date* out) {
  out->set_year(static_cast<int32_t>(day.year()));
  out->set_month(day.month());
  out->set_day(day.day());
}

absl::StatusOr<int64_t> PenceFromProto(const v1::Money& m, std::string_view field) {
  if (!m.currency().empty() && m.currency() != "GBP") {
    return FieldError(dp::StrCat(field, ".currency"), "must be GBP");
  }
  if (m.amount_pence() < 0) {
    return FieldError(field, "must not be negative");
  }
  return m.amount_pence();
}

void PenceToProto(int64_t pence, v1::Money* out) {
  out->set_amount_pence(pence);
  out->set_currency("GBP");
}

absl::CivilDay TodayInLondon() {
  absl::TimeZone zone = absl::UTCTimeZone();
  (void)absl::LoadTimeZone("Europe/London", &zone);
  return absl::ToCivilDay(absl::Now(), zone);
}

}  // namespace dp::service

#include "service/request_bounds.h"

#include <string>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/timestamp.pb.h>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "base/refusal.h"
#include "base/strings.h"
#include "dp/v1/bounds.pb.h"
#include "dp/v1/common.pb.h"

namespace dp::service {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// Requests nest a few levels (a request, its terms, a posting, its money);
// the walk stops well beyond that rather than follow a pathological chain.
constexpr int kMaxDepth = 16;

int MaxBytes(const FieldDescriptor& f) {
  const int n = f.options().GetExtension(v1::bounds).max_bytes();
  return n > 0 ? n : kDefaultMaxBytes;
}

int MaxItems(const FieldDescriptor& f) {
  const int n = f.options().GetExtension(v1::bounds).max_items();
  return n > 0 ? n : kDefaultMaxItems;
}

int EarliestYear(const FieldDescriptor& f) {
  const int n = f.options().GetExtension(v1::bounds).earliest_year();
  return n > 0 ? n : kDefaultEarliestYear;
}

absl::Status DateOutOfRange(const std::string& path, const FieldDescriptor& f) {
  return FieldError(path,
                    dp::StrCat("is not a date between ", EarliestYear(f), "-01-01 and ",
                               kLatestYear, "-12-31"),
                    reason::kDateOutOfRange);
}

absl::Status CheckDate(const v1::Date& d, const std::string& path, const FieldDescriptor& f) {
  if (d.year() == 0 && d.month() == 0 && d.day() == 0) return absl::OkStatus();  // absent
  const absl::CivilDay day(d.year(), d.month(), d.day());
  if (d.year() < EarliestYear(f) || d.year() > kLatestYear || day.year() != d.year() ||
      day.month() != d.month() || day.day() != d.day()) {
    return DateOutOfRange(path, f);
  }
  return absl::OkStatus();
}

absl::Status CheckTimestamp(const google::protobuf::Timestamp& t, const std::string& path,
                            const FieldDescriptor& f) {
  const int64_t earliest =
      absl::ToUnixSeconds(absl::FromCivil(absl::CivilDay(EarliestYear(f), 1, 1), absl::UTCTimeZone()));
  const int64_t after_latest =
      absl::ToUnixSeconds(absl::FromCivil(absl::CivilDay(kLatestYear + 1, 1, 1), absl::UTCTimeZone()));
  if (t.seconds() < earliest || t.seconds() >= after_latest || t.nanos() < 0 ||
      t.nanos() > 999'999'999) {
    return DateOutOfRange(path, f);
  }
  return absl::OkStatus();
}

absl::Status CheckMessage(const Message& m, const std::string& prefix, int depth);

absl::Status CheckValue(const Message& m, const FieldDescriptor& f, int index,
                        const std::string& path, int depth) {
  const Reflection& r = *m.GetReflection();
  const bool repeated = f.is_repeated();
  switch (f.cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING: {
      std::string scratch;
      const std::string& s = repeated ? r.GetRepeatedStringReference(m, &f, index, &scratch)
                                      : r.GetStringReference(m, &f, &scratch);
      if (s.size() > static_cast<size_t>(MaxBytes(f))) {
        return FieldError(path,
                          dp::StrCat("is ", s.size(), " bytes long; at most ", MaxBytes(f),
                                     " are allowed"),
                          reason::kTooLong);
      }
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_ENUM: {
      const int number = repeated ? r.GetRepeatedEnumValue(m, &f, index) : r.GetEnumValue(m, &f);
      if (f.enum_type()->FindValueByNumber(number) == nullptr) {
        return FieldError(path, dp::StrCat("is ", number, ", which is not one of its values"),
                          reason::kUnknownEnumValue);
      }
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_MESSAGE: {
      const Message& inner = repeated ? r.GetRepeatedMessage(m, &f, index) : r.GetMessage(m, &f);
      const auto* type = f.message_type();
      if (type == v1::Date::descriptor()) {
        return CheckDate(static_cast<const v1::Date&>(inner), path, f);
      }
      if (type == google::protobuf::Timestamp::descriptor()) {
        return CheckTimestamp(static_cast<const google::protobuf::Timestamp&>(inner), path, f);
      }
      if (depth >= kMaxDepth) return FieldError(path, "is nested too deeply", reason::kTooMany);
      return CheckMessage(inner, path, depth + 1);
    }
    default:
      return absl::OkStatus();  // numbers and bools: each service knows their domain
  }
}

absl::Status CheckMessage(const Message& m, const std::string& prefix, int depth) {
  std::vector<const FieldDescriptor*> fields;
  m.GetReflection()->ListFields(m, &fields);  // set fields only, in number order
  for (const FieldDescriptor* f : fields) {
    const std::string path = prefix.empty() ? f->name() : dp::StrCat(prefix, ".", f->name());
    if (!f->is_repeated()) {
      if (auto s = CheckValue(m, *f, -1, path, depth); !s.ok()) return s;
      continue;
    }
    const int n = m.GetReflection()->FieldSize(m, f);
    if (n > MaxItems(*f)) {
      return FieldError(path, dp::StrCat("has ", n, " items; at most ", MaxItems(*f), " are allowed"),
                        reason::kTooMany);
    }
    for (int i = 0; i < n; ++i) {
      if (auto s = CheckValue(m, *f, i, dp::StrCat(path, "[", i, "]"), depth); !s.ok()) return s;
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckRequestBounds(const Message& request) {
  return CheckMessage(request, "", 0);
}

}  // namespace dp::service

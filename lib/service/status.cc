#include "service/status.h"

#include <cctype>
#include <string>

#include "base/refusal.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace dp::service {
namespace {

// LeadingField is the field an older message starts with, as in
// "description must not be empty" or "postings[0].account_id: ...", for
// refusals made before they carried their field.
std::string LeadingField(std::string_view message) {
  size_t n = 0;
  while (n < message.size()) {
    const char c = message[n];
    if (std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) ||
        c == '_' || c == '.' || c == '[' || c == ']') {
      ++n;
    } else {
      break;
    }
  }
  const std::string_view word = message.substr(0, n);
  // A field name has an underscore, a dot or an index, or is followed by ':'.
  const bool looks_like_field =
      !word.empty() && (word.find_first_of("_.[") != std::string_view::npos ||
                        (n < message.size() && message[n] == ':'));
  return looks_like_field ? std::string(word) : "";
}

}  // namespace

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  google::rpc::Status details;
  details.set_code(static_cast<int>(status.code()));
  details.set_message(std::string(status.message()));
  google::rpc::ErrorInfo info;
  info.set_reason(ReasonOf(status));
  info.set_domain("dp.v1");
  for (const auto& [key, value] : MetadataOf(status)) (*info.mutable_metadata())[key] = value;
  details.add_details()->PackFrom(info);
  if (status.code() == absl::StatusCode::kInvalidArgument) {
    std::string field = FieldOf(status);
    if (field.empty()) field = LeadingField(std::string(status.message()));
    google::rpc::BadRequest bad;
    auto* v = bad.add_field_violations();
    v->set_field(field);
    v->set_description(std::string(status.message()));
    details.add_details()->PackFrom(bad);
  }
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      std::string(status.message()), details.SerializeAsString());
}

grpc::Status RefusalStatus(grpc::StatusCode code, std::string_view reason,
                           std::string_view message) {
  return ToGrpcStatus(Refusal(static_cast<absl::StatusCode>(code), reason, message));
}

}  // namespace dp::service

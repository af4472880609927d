#ifndef DP_SERVICES_AGREEMENTS_CONVERT_H_
#define DP_SERVICES_AGREEMENTS_CONVERT_H_

#include "absl/status/statusor.h"
#include "agreements/store.h"
#include "agreements/workflow.h"
#include "dp/v1/agreements.pb.h"

// Conversions between AgreementService messages and lib/agreements types.
// Request conversions fail with INVALID_ARGUMENT naming the field.
namespace dp::agreements_service {

absl::StatusOr<agreements::Settings> SettingsFromProto(const v1::AuthoritySettings& s);
void ToProto(const agreements::Settings& s, v1::AuthoritySettings* out);

// VersionFromProto reads terms; what they leave out (frequency,
// contingency and surplus weeks) comes from the authority's settings.
absl::StatusOr<agreements::VersionRecord> VersionFromProto(const v1::Terms& terms,
                                                           const agreements::Settings& settings);
// TermsStart reads the start date alone: it picks the settings in force.
absl::StatusOr<absl::CivilDay> TermsStart(const v1::Terms& terms);
absl::StatusOr<agreements::Manager> ManagerFromProto(const v1::PaymentManager& m);
absl::StatusOr<agreements::Action> ActionFromProto(v1::DecisionAction action);
v1::AgreementStatus ToProto(agreements::Status status);

// ToProto fills an agreement with the version in force on `as_of`.
void ToProto(const agreements::Header& h, const std::vector<agreements::VersionRecord>& versions,
             absl::CivilDay as_of, v1::Agreement* out);
// ToProto fills one version: its terms, and what they pay.
void ToProto(const agreements::VersionRecord& v, v1::AgreementVersion* out);
void ToProto(const agreements::PaidPeriod& p, v1::Payment* out);
void ToProto(const agreements::DecisionRecord& d, v1::Decision* out);
void ToProto(const agreements::Position& p, const agreements::TerminationRecord& t,
             v1::FinalPosition* out);

}  // namespace dp::agreements_service

#endif  // DP_SERVICES_AGREEMENTS_CONVERT_H_

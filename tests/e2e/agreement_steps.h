#ifndef DP_TESTS_E2E_AGREEMENT_STEPS_H_
#define DP_TESTS_E2E_AGREEMENT_STEPS_H_

#include <functional>
#include <string>

#include "dp/v1/agreements.grpc.pb.h"
#include "grpc_helpers.h"
#include "gtest/gtest.h"

namespace dp::testing {

// ActivateAndPay takes a drafted agreement through submission, approval
// and activation ("as assessed"), then runs its authority's payment
// schedule up to `pay_to`: the steps every test that needs money in an
// agreement's account goes through. `id` gives each write its request id.
//
//   ActivateAndPay(*agreements, &agreement, D(2026, 12, 2), [] { return Id(); });
inline void ActivateAndPay(v1::AgreementService::Stub& agreements, v1::Agreement* agreement,
                           const v1::Date& pay_to, const std::function<std::string()>& id) {
  for (auto action : {v1::DECISION_ACTION_SUBMIT, v1::DECISION_ACTION_APPROVE,
                      v1::DECISION_ACTION_ACTIVATE}) {
    v1::DecideRequest d;
    d.set_request_id(id());
    d.set_agreement_id(agreement->agreement_id());
    d.set_action(action);
    d.set_reason("as assessed");
    const grpc::Status s = agreements.Decide(Ctx().get(), d, agreement);
    EXPECT_TRUE(s.ok()) << s.error_message();
  }
  v1::RunPaymentScheduleRequest run;
  run.set_request_id(id());
  run.set_authority_id(agreement->authority_id());
  *run.mutable_run_date() = pay_to;
  v1::PaymentRun paid;
  const grpc::Status s = agreements.RunPaymentSchedule(Ctx().get(), run, &paid);
  EXPECT_TRUE(s.ok()) << s.error_message();
}

}  // namespace dp::testing

#endif  // DP_TESTS_E2E_AGREEMENT_STEPS_H_

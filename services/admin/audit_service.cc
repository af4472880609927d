#include "audit_service.h"

#include "audit/log.h"
#include "service/read_only.h"
#include "service/request_bounds.h"
#include "service/status.h"

namespace dp::admin_service {

using service::ToGrpcStatus;

grpc::Status AuditServiceImpl::ListAuditEvents(grpc::ServerContext* ctx,
                                               const v1::ListAuditEventsRequest* req,
                                               v1::ListAuditEventsResponse* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return service::ToGrpcStatus(bad);
  auto caller = host_.Caller(*ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  // Admins see the whole trail; auditors the events of their authorities.
  const bool scoped = caller->role == iam::Role::kAuditor && !caller->all_authorities;
  return ToGrpcStatus(service::RunReadOnly(host_.pool(), [&](pqxx::transaction_base& tx) {
    auto page = audit::ListEvents(tx, scoped, caller->authorities, req->page_size(),
                                  req->page_token());
    if (!page.ok()) return page.status();
    for (const audit::Event& e : page->events) {
      v1::AuditEvent* event = out->add_events();
      event->set_seq(e.seq);
      event->mutable_at()->set_seconds(e.at_us / 1'000'000);
      event->mutable_at()->set_nanos(static_cast<int32_t>(e.at_us % 1'000'000) * 1000);
      event->set_principal(e.principal);
      event->set_role(e.role);
      event->set_organisation_id(e.organisation_id);
      event->set_service(e.service);
      event->set_method(e.method);
      event->set_resource(e.resource);
      event->set_request_digest(e.request_digest);
      event->set_code(e.code);
      event->set_hash(e.hash);
      event->set_lane(e.lane);
    }
    out->set_next_page_token(page->next_page_token);
    return absl::OkStatus();
  }));
}

namespace {

int64_t EventCount(const std::vector<audit::LaneHead>& heads) {
  int64_t n = 0;
  for (const audit::LaneHead& h : heads) n += h.seq;
  return n;
}

}  // namespace

grpc::Status AuditServiceImpl::VerifyAuditChain(grpc::ServerContext*,
                                                const v1::VerifyAuditChainRequest* req,
                                                v1::VerifyAuditChainResponse* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return service::ToGrpcStatus(bad);
  std::optional<audit::RecordedHead> expected;
  if (!req->expect_head().empty()) {
    auto parsed = audit::ParseHead(req->expect_head());
    if (!parsed.ok()) return ToGrpcStatus(parsed.status());
    expected = *parsed;
  }
  // One read-only snapshot: appends in flight do not interfere.
  return ToGrpcStatus(service::RunReadOnlySnapshot(host_.pool(), [&](pqxx::transaction_base& tx) {
    const audit::ChainReport report = audit::VerifyChain(
        tx, host_.keyring().audit_key(), expected ? &*expected : nullptr);
    out->set_intact(report.verdict.intact);
    out->set_events_checked(report.verdict.events_checked);
    out->set_first_bad_lane(report.verdict.first_bad_lane);
    out->set_first_bad_seq(report.verdict.first_bad_seq);
    out->set_problem(report.verdict.problem);
    out->set_head_seq(EventCount(report.heads));
    out->set_head_hash(audit::HeadDigest(report.heads));
    out->set_head(report.head);
    return absl::OkStatus();
  }));
}

grpc::Status AuditServiceImpl::GetAuditHead(grpc::ServerContext*, const v1::GetAuditHeadRequest*,
                                            v1::AuditHead* out) {
  return ToGrpcStatus(service::RunReadOnly(host_.pool(), [&](pqxx::transaction_base& tx) {
    const auto heads = audit::ReadHeads(tx);
    out->set_head(audit::FormatHead(heads));
    out->set_events(EventCount(heads));
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    out->mutable_at()->set_seconds(std::chrono::duration_cast<std::chrono::seconds>(now).count());
    return absl::OkStatus();
  }));
}

}  // namespace dp::admin_service

#include "agreement_service.h"

#include "absl/time/clock.h"
#include "agreements/record.h"
#include "base/refusal.h"
#include "base/strings.h"
#include "convert.h"
#include "db/page_token.h"
#include "db/sql.h"
#include "crypto/field_cipher.h"
#include "people/person_store.h"
#include "service/metrics.h"
#include "service/proto_convert.h"
#include "service/read_only.h"
#include "service/request_bounds.h"
#include "service/status.h"

namespace dp::agreements_service {
namespace {

using service::ToGrpcStatus;

agreements::Actor ActorOf(const iam::Principal& p) { return {p.name, p.approver_level}; }

absl::Status Refused(const iam::Principal& p, const std::string& what) {
  return absl::PermissionDeniedError(dp::StrCat(p.name, " may not ", what));
}

// Missing is the answer for a thing that does not exist, and for one the
// caller may not see: the two cannot be told apart.
absl::Status Missing(std::string_view what, int64_t id) {
  return absl::NotFoundError(dp::StrCat(what, " ", id, " does not exist"));
}

// FillAgreement reads an agreement as it stands today.
absl::Status FillAgreement(pqxx::transaction_base& tx, int64_t id, v1::Agreement* out,
                           std::optional<absl::CivilDay> as_of = std::nullopt) {
  auto header = agreements::GetHeader(tx, id);
  if (!header.ok()) return header.status();
  out->Clear();
  ToProto(*header, agreements::Versions(tx, id),
                      as_of.value_or(service::TodayInLondon()), out);
  return absl::OkStatus();
}

absl::Status FillPosition(pqxx::transaction_base& tx, int64_t id, v1::FinalPosition* out) {
  auto header = agreements::GetHeader(tx, id);
  if (!header.ok()) return header.status();
  auto termination = agreements::GetTermination(tx, id);
  if (!termination.ok()) return termination.status();
  auto position = agreements::PositionOf(tx, *header);
  if (!position.ok()) return position.status();
  out->Clear();
  ToProto(*position, *termination, out);
  return absl::OkStatus();
}

void FillPerson(const people::Person& p, v1::PersonSummary* out) {
  out->set_person_id(p.id);
  out->set_authority_id(p.authority_id);
  out->set_display_name(p.display_name);
  out->set_ni_number_masked(people::MaskNiNumber(p.ni_number));
  out->set_has_date_of_birth(!p.date_of_birth.empty());
}

}  // namespace

grpc::Status AgreementServiceImpl::GetServiceInfo(grpc::ServerContext*,
                                                  const v1::GetServiceInfoRequest*,
                                                  v1::ServiceInfo* out) {
  return service::DescribeService(host_.config(), host_.pool(), out);
}

grpc::Status AgreementServiceImpl::Write(const grpc::ServerContext& ctx, const google::protobuf::Message& request,
                                         const std::string& request_id,
                                         const std::string& operation,
                                         const service::WriteFn& write,
                                         const service::ReloadFn& reload) {
  return service::IdempotentWrite(host_.pool(), host_.AuditOf(ctx), requests_, request, request_id, operation, write,
                                  reload);
}

grpc::Status AgreementServiceImpl::AgreementWrite(
    grpc::ServerContext* ctx, const google::protobuf::Message& request,
    const std::string& request_id, const std::string& operation, int64_t agreement_id,
    const ChangeFn& change, const FillFn& fill) {
  auto caller = host_.Caller(*ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Write(*ctx,
      request, request_id, operation,
      [&](pqxx::work& tx) -> absl::StatusOr<std::string> {
        auto header = agreements::GetHeader(tx, agreement_id);
        if (!header.ok()) return header.status();
        if (!caller->CanWrite(header->authority_id)) {
          if (!caller->CanRead(header->authority_id, "agreement", std::to_string(agreement_id))) {
            return Missing("agreement", agreement_id);
          }
          return Refused(*caller, dp::StrCat("change agreement ", agreement_id));
        }
        if (auto s = change(tx, *header, ActorOf(*caller)); !s.ok()) return s;
        if (auto s = fill(tx); !s.ok()) return s;
        return std::to_string(agreement_id);
      },
      [&](pqxx::work& tx, const std::string&) { return fill(tx); });
}

grpc::Status AgreementServiceImpl::ReadAgreement(
    grpc::ServerContext* ctx, int64_t agreement_id,
    const std::function<absl::Status(pqxx::transaction_base&, const agreements::Header&)>& read) {
  auto caller = host_.Caller(*ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return ToGrpcStatus(service::RunReadOnly(host_.pool(), [&](pqxx::transaction_base& tx) {
    auto header = agreements::GetHeader(tx, agreement_id);
    if (!header.ok()) return header.status();
    if (!caller->CanRead(header->authority_id, "agreement", std::to_string(agreement_id))) {
      return Missing("agreement", agreement_id);
    }
    return read(tx, *header);
  }));
}

grpc::Status AgreementServiceImpl::SetAuthoritySettings(grpc::ServerContext* ctx,
                                                        const v1::SetAuthoritySettingsRequest* req,
                                                        v1::AuthoritySettings* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return service::ToGrpcStatus(bad);
  auto caller = host_.Caller(*ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  auto settings = SettingsFromProto(req->settings());
  if (!settings.ok()) return ToGrpcStatus(settings.status());
  if (!caller->CanWrite(settings->authority_id)) {
    return ToGrpcStatus(Refused(*caller, dp::StrCat("set ", settings->authority_id, "'s settings")));
  }
  return Write(*ctx,
      *req, req->request_id(), "SetAuthoritySettings",
      [&](pqxx::work& tx) -> absl::StatusOr<std::string> {
        auto saved = agreements::SetSettings(tx, *settings, ActorOf(*caller));
        if (!saved.ok()) return saved.status();
        ToProto(*saved, out);
        const std::string day = agreements::DayText(saved->effective_from);
        if (service::CallAudit* audit = host_.AuditOf(*ctx)) {
          audit->SetResource(dp::StrCat("agreements/settings/", settings->authority_id, "/", day));
        }
        return day;
      },
      [&](pqxx::work& tx, const std::string& key) -> absl::Status {
        auto saved = agreements::SettingsInForce(tx, settings->authority_id,
                                                 *agreements::ParseDay(key));
        if (saved.ok()) ToProto(*saved, out);
        return saved.status();
      });
}

grpc::Status AgreementServiceImpl::GetAuthoritySettings(grpc::ServerContext* ctx,
                                                        const v1::GetAuthoritySettingsRequest* req,
                                                        v1::AuthoritySettings* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return service::ToGrpcStatus(bad);
  auto caller = host_.Caller(*ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  auto as_of = service::OptionalDay(req->as_of(), "as_of");
  if (!as_of.ok()) return ToGrpcStatus(as_of.status());
  if (!caller->CanRead(req->authority_id(), "", "")) {
    return ToGrpcStatus(Refused(*caller, dp::StrCat("see ", req->authority_id(), "'s settings")));
  }
  return ToGrpcStatus(service::RunReadOnly(host_.pool(), [&](pqxx::transaction_base& tx) {
    auto s = agreements::SettingsInForce(tx, req->authority_id(),
                                         as_of->value_or(service::TodayInLondon()));
    if (s.ok()) ToProto(*s, out);
    return s.status();
  }));
}

grpc::Status AgreementServiceImpl::CreatePerson(grpc::ServerContext* ctx,
                                                const v1::CreatePersonRequest* req,
                                                v1::PersonSummary* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return service::ToGrpcStatus(bad);
  auto caller = host_.Caller(*ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  if (!caller->CanWrite(req->authority_id())) {
    return ToGrpcStatus(Refused(*caller, dp::StrCat("record people for ", req->authority_id())));
  }
  people::Person person;
  person.authority_id = req->authority_id();
  person.display_name = req->display_name();
  person.date_of_birth = req->date_of_birth();
  person.bank_sort_code = req->bank_sort_code();
  person.bank_account_number = req->bank_account_number();
  if (!req->ni_number().empty()) {
    auto ni = people::NormaliseNiNumber(req->ni_number());
    if (!ni.ok()) return ToGrpcStatus(ni.status());
    person.ni_number = *ni;
  }
  const crypto::FieldCipher cipher(host_.keyring());
  auto reload = [&](pqxx::work& tx, const std::string& key) -> absl::Status {
    auto p = people::GetPerson(tx, cipher, std::stoll(key));
    if (p.ok()) FillPerson(*p, out);
    return p.status();
  };
  return Write(*ctx,
      *req, req->request_id(), "CreatePerson",
      [&](pqxx::work& tx) -> absl::StatusOr<std::string> {
        if (auto s = agreements::CheckAuthority(tx, person.authority_id); !s.ok()) return s;
        auto id = people::CreatePerson(tx, cipher, person);
        if (!id.ok()) return id.status();
        const std::string key = std::to_string(*id);
        if (auto s = reload(tx, key); !s.ok()) return s;
        return key;
      },
      reload);
}

grpc::Status AgreementServiceImpl::GetPerson(grpc::ServerContext* ctx,
                                             const v1::GetPersonRequest* req,
                                             v1::PersonSummary* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return service::ToGrpcStatus(bad);
  auto caller = host_.Caller(*ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  const crypto::FieldCipher cipher(host_.keyring());
  return ToGrpcStatus(service::RunReadOnly(host_.pool(), [&](pqxx::transaction_base& tx) {
    auto p = people::GetPerson(tx, cipher, req->person_id());
    if (!p.ok()) return p.status();
    if (!caller->CanRead(p->authority_id, "person", std::to_string(p->id))) {
      return Missing("person", req->person_id());
    }
    FillPerson(*p, out);
    return absl::OkStatus();
  }));
}

grpc::Status AgreementServiceImpl::CreateAgreement(grpc::ServerContext* ctx,
                                                   const v1::CreateAgreementRequest* req,
                                                   v1::Agreement* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return service::ToGrpcStatus(bad);
  auto caller = host_.Caller(*ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  if (req->authority_id().empty()) {
    return ToGrpcStatus(FieldError("authority_id", "is required"));
  }
  if (!caller->CanWrite(req->authority_id())) {
    return ToGrpcStatus(Refused(*caller, dp::StrCat("make agreements for ", req->authority_id())));
  }
  auto start = TermsStart(req->terms());
  if (!start.ok()) return ToGrpcStatus(start.status());
  auto manager = ManagerFromProto(req->manager());
  if (!manager.ok()) return ToGrpcStatus(manager.status());
  return Write(*ctx,
      *req, req->request_id(), "CreateAgreement",
      [&](pqxx::work& tx) -> absl::StatusOr<std::string> {
        if (auto s = agreements::CheckAuthority(tx, req->authority_id()); !s.ok()) return s;
        auto settings = agreements::SettingsInForce(tx, req->authority_id(), *start);
        if (!settings.ok()) return settings.status();
        auto version = VersionFromProto(req->terms(), *settings);
        if (!version.ok()) return version.status();
        version->reason = req->reason();
        auto id = agreements::CreateAgreement(
            tx, {req->authority_id(), req->person_id(), *manager, *version}, ActorOf(*caller));
        if (!id.ok()) return id.status();
        if (auto s = FillAgreement(tx, *id, out); !s.ok()) return s;
        return std::to_string(*id);
      },
      [&](pqxx::work& tx, const std::string& key) {
        return FillAgreement(tx, std::stoll(key), out);
      });
}

grpc::Status AgreementServiceImpl::AmendAgreement(grpc::ServerContext* ctx,
                                                  const v1::AmendAgreementRequest* req,
                                                  v1::Agreement* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return service::ToGrpcStatus(bad);
  auto from = service::DayFromProto(req->effective_from(), "effective_from");
  if (!from.ok()) return ToGrpcStatus(from.status());
  return AgreementWrite(
      ctx, *req, req->request_id(), "AmendAgreement", req->agreement_id(),
      [&](pqxx::work& tx, const agreements::Header& header,
          const agreements::Actor& actor) -> absl::Status {
        auto settings = agreements::SettingsInForce(tx, header.authority_id, *from);
        if (!settings.ok()) return settings.status();
        auto version = VersionFromProto(req->terms(), *settings);
        if (!version.ok()) return version.status();
        version->version.effective_from = *from;
        version->reason = req->reason();
        if (auto s = agreements::Amend(tx, req->agreement_id(), *version, actor); !s.ok()) {
          return s;
        }
        // The event names the version the amendment made.
        if (service::CallAudit* audit = host_.AuditOf(*ctx)) {
          const pqxx::row v = tx.exec_params1(
              "SELECT max(version) FROM agreements.versions WHERE agreement_id = $1",
              req->agreement_id());
          audit->SetResource(dp::StrCat("agreements/", req->agreement_id(), "/versions/",
                                        v[0].as<int>()));
        }
        return absl::OkStatus();
      },
      [&](pqxx::transaction_base& tx) { return FillAgreement(tx, req->agreement_id(), out); });
}

grpc::Status AgreementServiceImpl::GetAgreement(grpc::ServerContext* ctx,
                                                const v1::GetAgreementRequest* req,
                                                v1::Agreement* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return service::ToGrpcStatus(bad);
  auto as_of = service::OptionalDay(req->as_of(), "as_of");
  if (!as_of.ok()) return ToGrpcStatus(as_of.status());
  return ReadAgreement(ctx, req->agreement_id(),
                       [&](pqxx::transaction_base& tx, const agreements::Header&) {
                         return FillAgreement(tx, req->agreement_id(), out, *as_of);
                       });
}

grpc::Status AgreementServiceImpl::SummariseAgreements(grpc::ServerContext* ctx,
                                                       const v1::SummariseAgreementsRequest* req,
                                                       v1::AgreementsSummary* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return service::ToGrpcStatus(bad);
  auto caller = host_.Caller(*ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  if (req->authority_id().empty()) return ToGrpcStatus(FieldError("authority_id", "is required"));
  auto payments_on = service::OptionalDay(req->payments_on(), "payments_on");
  if (!payments_on.ok()) return ToGrpcStatus(payments_on.status());
  if (!caller->CanRead(req->authority_id(), "", "")) {
    return ToGrpcStatus(Refused(*caller, dp::StrCat("see ", req->authority_id(), "'s agreements")));
  }
  const absl::CivilDay day = payments_on->value_or(service::TodayInLondon());
  return ToGrpcStatus(service::RunReadOnly(host_.pool(), [&](pqxx::transaction_base& tx) {
    const agreements::AuthoritySummary summary =
        agreements::SummariseAuthority(tx, req->authority_id(), 50, day);
    service::DayToProto(day, out->mutable_payments_on());
    out->set_schedule_runs(summary.schedule_runs);
    out->set_paid_in_payments(summary.paid_in_payments);
    service::PenceToProto(summary.paid_in_pence, out->mutable_paid_in_total());
    for (const auto& [status, n] : summary.counts) {
      auto* c = out->add_counts();
      c->set_status(static_cast<v1::AgreementStatus>(static_cast<int>(status) + 1));
      c->set_agreements(n);
    }
    for (const agreements::Header& h : summary.awaiting) {
      auto* a = out->add_awaiting();
      a->set_agreement_id(h.id);
      a->set_required_approval_level(h.required_level);
      a->set_panel_wait_exceeded(h.panel_wait_exceeded);
      if (h.submitted_at_us) service::ToTimestamp(*h.submitted_at_us, a->mutable_submitted_at());
    }
    return absl::OkStatus();
  }));
}

grpc::Status AgreementServiceImpl::ListAgreements(grpc::ServerContext* ctx,
                                                  const v1::ListAgreementsRequest* req,
                                                  v1::ListAgreementsResponse* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return service::ToGrpcStatus(bad);
  auto caller = host_.Caller(*ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  agreements::HeaderQuery query;
  query.authority_id = req->authority_id();
  if (req->status() != v1::AGREEMENT_STATUS_UNSPECIFIED) {
    query.status = static_cast<agreements::Status>(static_cast<int>(req->status()) - 1);
  }
  auto page_size = db::ClampPageSize(req->page_size(), 50, 500);
  if (!page_size.ok()) return ToGrpcStatus(page_size.status());
  query.page_size = *page_size + 1;  // one more tells whether a next page exists
  if (!caller->all_authorities) {
    query.scoped = true;
    if (caller->role != iam::Role::kIso) query.authorities = caller->authorities;
    for (const auto& [type, id] : caller->owners) {
      if (type != "agreement") continue;
      try {
        query.agreement_ids.push_back(std::stoll(id));
      } catch (const std::exception&) {
      }
    }
  }
  // The token is bound to the caller's filters and scope, so that it cannot
  // be replayed against another query.
  const std::string fingerprint =
      dp::StrCat("agreements|", query.authority_id, "|", static_cast<int>(req->status()), "|",
                 query.scoped, db::TextArrayLiteral(query.authorities),
                 db::IntArrayLiteral(query.agreement_ids));
  auto after_id = db::DecodePageToken(req->page_token(), fingerprint);
  if (!after_id.ok()) return ToGrpcStatus(after_id.status());
  query.after_id = *after_id;
  const absl::CivilDay today = service::TodayInLondon();
  return ToGrpcStatus(service::RunReadOnly(host_.pool(), [&](pqxx::transaction_base& tx) {
    out->set_next_page_token(db::FillPage<v1::Agreement>(
        agreements::ListHeaders(tx, query), *page_size, fingerprint,
        [&](const agreements::Header& h, v1::Agreement* item) {
          ToProto(h, agreements::Versions(tx, h.id), today, item);
          return h.id;
        },
        [&](v1::Agreement&& item) { *out->add_agreements() = std::move(item); }));
    return absl::OkStatus();
  }));
}

grpc::Status AgreementServiceImpl::Decide(grpc::ServerContext* ctx, const v1::DecideRequest* req,
                                          v1::Agreement* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return service::ToGrpcStatus(bad);
  auto action = ActionFromProto(req->action());
  if (!action.ok()) return ToGrpcStatus(action.status());
  return AgreementWrite(
      ctx, *req, req->request_id(), "Decide", req->agreement_id(),
      [&](pqxx::work& tx, const agreements::Header&, const agreements::Actor& actor) {
        return agreements::Decide(tx, req->agreement_id(), *action, req->reason(), actor,
                                  absl::ToUnixMicros(absl::Now()), service::TodayInLondon());
      },
      [&](pqxx::transaction_base& tx) { return FillAgreement(tx, req->agreement_id(), out); });
}

grpc::Status AgreementServiceImpl::Terminate(grpc::ServerContext* ctx,
                                             const v1::TerminateRequest* req,
                                             v1::FinalPosition* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return service::ToGrpcStatus(bad);
  auto end = service::DayFromProto(req->end_date(), "end_date");
  if (!end.ok()) return ToGrpcStatus(end.status());
  auto notice = service::PenceFromProto(req->notice_pay_owed(), "notice_pay_owed");
  if (!notice.ok()) return ToGrpcStatus(notice.status());
  auto holiday = service::PenceFromProto(req->holiday_pay_owed(), "holiday_pay_owed");
  if (!holiday.ok()) return ToGrpcStatus(holiday.status());
  return AgreementWrite(
      ctx, *req, req->request_id(), "Terminate", req->agreement_id(),
      [&](pqxx::work& tx, const agreements::Header&, const agreements::Actor& actor) {
        return agreements::Terminate(tx, req->agreement_id(), *end, *notice, *holiday,
                                     req->reason(), actor)
            .status();
      },
      [&](pqxx::transaction_base& tx) { return FillPosition(tx, req->agreement_id(), out); });
}

grpc::Status AgreementServiceImpl::ConfirmRecovery(grpc::ServerContext* ctx,
                                                   const v1::ConfirmRecoveryRequest* req,
                                                   v1::FinalPosition* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return service::ToGrpcStatus(bad);
  auto amount = service::PenceFromProto(req->amount(), "amount");
  if (!amount.ok()) return ToGrpcStatus(amount.status());
  return AgreementWrite(
      ctx, *req, req->request_id(), "ConfirmRecovery", req->agreement_id(),
      [&](pqxx::work& tx, const agreements::Header&, const agreements::Actor& actor) {
        return agreements::ConfirmRecovery(tx, req->agreement_id(), *amount, req->reason(),
                                           actor);
      },
      [&](pqxx::transaction_base& tx) { return FillPosition(tx, req->agreement_id(), out); });
}

grpc::Status AgreementServiceImpl::RunPaymentSchedule(grpc::ServerContext* ctx,
                                                      const v1::RunPaymentScheduleRequest* req,
                                                      v1::PaymentRun* out) {
  return RunSchedule(ctx, *req, {}, out);
}

grpc::Status AgreementServiceImpl::RunPaymentScheduleWithProgress(
    grpc::ServerContext* ctx, const v1::RunPaymentScheduleRequest* req,
    grpc::ServerWriter<v1::PaymentScheduleProgress>* writer) {
  // A watcher gone away does not stop the run: it commits, and the same
  // request id answers with it.
  auto tell = [writer](int done, int total) {
    v1::PaymentScheduleProgress p;
    p.set_agreements_done(done);
    p.set_agreements_total(total);
    writer->Write(p);
  };
  v1::PaymentScheduleProgress last;
  const grpc::Status s = RunSchedule(ctx, *req, tell, last.mutable_run());
  if (!s.ok()) return s;
  last.set_agreements_done(last.run().agreements_considered());
  last.set_agreements_total(last.run().agreements_considered());
  writer->Write(last);
  return grpc::Status::OK;
}

grpc::Status AgreementServiceImpl::RunSchedule(grpc::ServerContext* ctx,
                                               const v1::RunPaymentScheduleRequest& request,
                                               const agreements::RunProgress& progress,
                                               v1::PaymentRun* out) {
  const v1::RunPaymentScheduleRequest* req = &request;
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return service::ToGrpcStatus(bad);
  auto caller = host_.Caller(*ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  auto run_date = service::DayFromProto(req->run_date(), "run_date");
  if (!run_date.ok()) return ToGrpcStatus(run_date.status());
  if (!caller->CanWrite(req->authority_id())) {
    return ToGrpcStatus(Refused(*caller, dp::StrCat("pay ", req->authority_id(), "'s agreements")));
  }
  auto fill = [out](const agreements::RunRecord& run,
                    const std::vector<agreements::PaidPeriod>& payments) {
    out->set_run_id(run.id);
    out->set_authority_id(run.authority_id);
    service::DayToProto(run.run_date, out->mutable_run_date());
    out->set_agreements_considered(run.agreements_considered);
    int64_t total = 0;
    for (const auto& p : payments) {
      ToProto(p, out->add_payments());
      total += p.payment.amount_pence;
    }
    service::PenceToProto(total, out->mutable_total());
  };
  return Write(*ctx,
      *req, req->request_id(), "RunPaymentSchedule",
      [&](pqxx::work& tx) -> absl::StatusOr<std::string> {
        service::JobTimer timer(host_.metrics(), "payment_schedule");
        auto result = agreements::RunPaymentSchedule(tx, req->authority_id(), *run_date,
                                                     ActorOf(*caller), progress);
        if (!result.ok()) return result.status();
        fill(result->run, result->payments);
        return std::to_string(result->run.id);
      },
      [&](pqxx::work& tx, const std::string& key) -> absl::Status {
        auto run = agreements::GetRun(tx, std::stoll(key));
        if (!run.ok()) return run.status();
        fill(*run, agreements::PaymentsOfRun(tx, run->id));
        return absl::OkStatus();
      });
}

grpc::Status AgreementServiceImpl::ListPayments(grpc::ServerContext* ctx,
                                                const v1::ListPaymentsRequest* req,
                                                v1::ListPaymentsResponse* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return service::ToGrpcStatus(bad);
  return ReadAgreement(ctx, req->agreement_id(),
                       [&](pqxx::transaction_base& tx, const agreements::Header&) {
                         for (const auto& p : agreements::PaymentsOfAgreement(tx, req->agreement_id())) {
                           ToProto(p, out->add_payments());
                         }
                         return absl::OkStatus();
                       });
}

grpc::Status AgreementServiceImpl::GetRecord(grpc::ServerContext* ctx,
                                             const v1::GetRecordRequest* req,
                                             v1::PersonRecord* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return service::ToGrpcStatus(bad);
  const crypto::FieldCipher cipher(host_.keyring());
  return ReadAgreement(
      ctx, req->agreement_id(),
      [&](pqxx::transaction_base& tx, const agreements::Header& header) -> absl::Status {
        auto person = people::GetPerson(tx, cipher, header.person_id);
        if (!person.ok()) return person.status();
        const auto versions = agreements::Versions(tx, header.id);
        const auto decisions = agreements::Decisions(tx, header.id);
        ToProto(header, versions, service::TodayInLondon(), out->mutable_agreement());
        out->set_person_name(person->display_name);
        for (const auto& d : decisions) ToProto(d, out->add_decisions());
        for (const auto& v : versions) ToProto(v, out->add_versions());
        out->set_document(agreements::RenderRecord(person->display_name, header, versions, decisions));
        return absl::OkStatus();
      });
}

}  // namespace dp::agreements_service

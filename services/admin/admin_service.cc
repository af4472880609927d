#include "admin_service.h"

#include <regex>

#include "base/refusal.h"
#include "base/strings.h"

#include "db/errors.h"
#include "console/store/accounts.h"
#include "crypto/field_cipher.h"
#include "iam/admin_store.h"
#include "people/person_store.h"
#include "service/log.h"
#include "service/digest.h"
#include "service/read_only.h"
#include "service/request_bounds.h"
#include "service/status.h"
#include "service/write.h"

namespace dp::admin_service {
namespace {

using service::ToGrpcStatus;

void ToProto(const iam::PrincipalRecord& p, v1::PrincipalInfo* out) {
  out->set_name(p.name);
  out->set_organisation_id(p.organisation_id);
  out->set_role(p.role);
  out->set_approver_level(p.approver_level);
  out->set_disabled(p.disabled);
}

void ToProto(const iam::ScopeGrant& g, v1::ScopeGrant* out) {
  out->set_organisation_id(g.organisation_id);
  out->set_scope_type(g.scope_type);
  out->set_scope_id(g.scope_id);
}

iam::ScopeGrant FromProto(const v1::ScopeGrant& g) {
  return {g.organisation_id(), g.scope_type(), g.scope_id()};
}

// Grant keys are "organisation|type|id".
std::string GrantKey(const iam::ScopeGrant& g) {
  return g.organisation_id + "|" + g.scope_type + "|" + g.scope_id;
}

iam::ScopeGrant GrantFromKey(const std::string& key) {
  const auto a = key.find('|');
  const auto b = key.find('|', a + 1);
  return {key.substr(0, a), key.substr(a + 1, b - a - 1), key.substr(b + 1)};
}

// ReloadPrincipal answers a retried principal write with the principal as
// it is now.
service::ReloadFn ReloadPrincipal(v1::PrincipalInfo* out) {
  return [out](pqxx::work& tx, const std::string& name) -> absl::Status {
    auto p = iam::GetPrincipal(tx, name);
    if (p.ok()) ToProto(*p, out);
    return p.status();
  };
}

}  // namespace

grpc::Status AdminServiceImpl::Write(const grpc::ServerContext& ctx, const google::protobuf::Message& request,
                                     const std::string& request_id, const std::string& operation,
                                     service::WriteFn write, service::ReloadFn reload) {
  return service::IdempotentWrite(host_.pool(), host_.AuditOf(ctx), requests_, request, request_id, operation, write,
                                  reload);
}

grpc::Status AdminServiceImpl::WhoAmI(grpc::ServerContext* ctx, const v1::WhoAmIRequest*,
                                      v1::PrincipalInfo* out) {
  auto caller = host_.Caller(*ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  out->set_name(caller->name);
  out->set_organisation_id(caller->organisation_id);
  out->set_role(std::string(iam::RoleName(caller->role)));
  out->set_approver_level(caller->approver_level);
  if (caller->all_authorities) out->add_authorities("*");
  for (const auto& a : caller->authorities) out->add_authorities(a);
  for (const auto& [type, id] : caller->owners) out->add_authorities(type + ":" + id);
  return grpc::Status::OK;
}

grpc::Status AdminServiceImpl::CreateOrganisation(grpc::ServerContext* ctx,
                                                  const v1::CreateOrganisationRequest* req,
                                                  v1::Organisation* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return service::ToGrpcStatus(bad);
  auto fill = [out](const iam::Organisation& o) {
    out->set_id(o.id);
    out->set_kind(o.kind);
    out->set_name(o.name);
  };
  return Write(*ctx,
      *req, req->request_id(), "CreateOrganisation",
      [&](pqxx::work& tx) -> absl::StatusOr<std::string> {
        auto org = iam::CreateOrganisation(tx, {req->id(), req->kind(), req->name()});
        if (!org.ok()) return org.status();
        fill(*org);
        return org->id;
      },
      [&](pqxx::work& tx, const std::string& key) -> absl::Status {
        auto org = iam::GetOrganisation(tx, key);
        if (org.ok()) fill(*org);
        return org.status();
      });
}

grpc::Status AdminServiceImpl::CreatePrincipal(grpc::ServerContext* ctx,
                                               const v1::CreatePrincipalRequest* req,
                                               v1::PrincipalInfo* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return service::ToGrpcStatus(bad);
  return Write(*ctx,
      *req, req->request_id(), "CreatePrincipal",
      [&](pqxx::work& tx) -> absl::StatusOr<std::string> {
        auto p = iam::CreatePrincipal(tx, {req->name(), req->organisation_id(), req->role(),
                                           req->approver_level(), false});
        if (!p.ok()) return p.status();
        ToProto(*p, out);
        return p->name;
      },
      ReloadPrincipal(out));
}

grpc::Status AdminServiceImpl::InvitePerson(grpc::ServerContext* ctx,
                                            const v1::InvitePersonRequest* req,
                                            v1::PersonInvitation* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return service::ToGrpcStatus(bad);
  auto caller = host_.Caller(*ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  if (req->agreement_id() <= 0) return ToGrpcStatus(FieldError("agreement_id", "is required"));
  static const std::regex kName("[A-Za-z0-9][A-Za-z0-9@._-]{0,127}");
  if (!std::regex_match(req->name(), kName)) {
    return ToGrpcStatus(FieldError("name", "must be 1 to 128 letters, digits, @ . _ or -"));
  }
  const absl::Time now = absl::Now();
  const console::SignInPolicy policy;
  return Write(*ctx,
      *req, req->request_id(), "InvitePerson",
      [&](pqxx::work& tx) -> absl::StatusOr<std::string> {
        const pqxx::result a = tx.exec_params(
            "SELECT authority_id FROM agreements.agreements WHERE id = $1", req->agreement_id());
        // Outside the caller's authority, an agreement answers as a missing one.
        if (a.empty() ||
            (caller->role != iam::Role::kAdmin && !caller->CanWrite(a[0][0].as<std::string>()))) {
          return absl::NotFoundError(dp::StrCat("no agreement ", req->agreement_id()));
        }
        if (auto s = console::EnsurePerson(tx, req->name(), req->agreement_id(),
                                           a[0][0].as<std::string>());
            !s.ok()) {
          return s;
        }
        auto token = console::IssueInvitation(tx, req->name(), caller->name, now, policy);
        if (!token.ok()) return token.status();
        out->set_name(req->name());
        out->set_agreement_id(req->agreement_id());
        out->set_invitation_token(*token);
        out->mutable_expires_at()->set_seconds(absl::ToUnixSeconds(now + policy.invitation_ttl));
        return req->name();
      },
      [&](pqxx::work&, const std::string& name) -> absl::Status {
        out->set_name(name);
        out->set_agreement_id(req->agreement_id());
        return absl::OkStatus();
      });
}

grpc::Status AdminServiceImpl::InviteStaff(grpc::ServerContext* ctx,
                                           const v1::InviteStaffRequest* req,
                                           v1::StaffInvitation* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return service::ToGrpcStatus(bad);
  auto caller = host_.Caller(*ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  if (req->name().empty()) return ToGrpcStatus(FieldError("name", "is required"));
  const absl::Time now = absl::Now();
  const console::SignInPolicy policy;
  return Write(*ctx,
      *req, req->request_id(), "InviteStaff",
      [&](pqxx::work& tx) -> absl::StatusOr<std::string> {
        if (req->name() == caller->name) {
          return absl::FailedPreconditionError(
              "you may not invite yourself: a new link resets your own sign-in, so ask an "
              "administrator or another officer");
        }
        auto p = iam::GetPrincipal(tx, req->name());
        if (!p.ok()) return p.status();
        // An officer invites only their own authority's officers; anyone
        // else answers as missing, as it would to a stranger.
        if (caller->role != iam::Role::kAdmin &&
            (p->role != "finance_officer" || p->organisation_id != caller->organisation_id)) {
          return absl::NotFoundError(dp::StrCat("principal ", req->name(), " does not exist"));
        }
        if (p->role == "person") {
          return absl::FailedPreconditionError(
              dp::StrCat(req->name(), " is a person: their officer invites them from their "
                                      "agreement (InvitePerson)"));
        }
        auto token = console::IssueInvitation(tx, req->name(), caller->name, now, policy);
        if (!token.ok()) return token.status();
        out->set_name(req->name());
        out->set_role(p->role);
        out->set_invitation_token(*token);
        out->mutable_expires_at()->set_seconds(absl::ToUnixSeconds(now + policy.invitation_ttl));
        return req->name();
      },
      [&](pqxx::work& tx, const std::string& name) -> absl::Status {
        auto p = iam::GetPrincipal(tx, name);
        if (!p.ok()) return p.status();
        out->set_name(name);
        out->set_role(p->role);
        return absl::OkStatus();
      });
}

grpc::Status AdminServiceImpl::SetPrincipalDisabled(grpc::ServerContext* ctx,
                                                    const v1::SetPrincipalDisabledRequest* req,
                                                    v1::PrincipalInfo* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return service::ToGrpcStatus(bad);
  if (req->reason().empty()) {
    return ToGrpcStatus(FieldError("reason", "is required"));
  }
  return Write(*ctx,
      *req, req->request_id(), "SetPrincipalDisabled",
      [&](pqxx::work& tx) -> absl::StatusOr<std::string> {
        auto p = iam::SetPrincipalDisabled(tx, req->name(), req->disabled());
        if (!p.ok()) return p.status();
        ToProto(*p, out);
        return p->name;
      },
      ReloadPrincipal(out));
}

grpc::Status AdminServiceImpl::ListPrincipals(grpc::ServerContext*,
                                              const v1::ListPrincipalsRequest* req,
                                              v1::ListPrincipalsResponse* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return service::ToGrpcStatus(bad);
  return ToGrpcStatus(service::RunReadOnly(host_.pool(), [&](pqxx::transaction_base& tx) {
    auto page = iam::ListPrincipals(tx, req->organisation_id(), req->page_size(), req->page_token());
    if (!page.ok()) return page.status();
    for (const auto& p : page->rows) ToProto(p, out->add_principals());
    out->set_next_page_token(page->next_page_token);
    return absl::OkStatus();
  }));
}

grpc::Status AdminServiceImpl::Grant(grpc::ServerContext* ctx, const v1::GrantRequest* req,
                                     v1::ScopeGrant* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return service::ToGrpcStatus(bad);
  return WriteGrant(*ctx, *req, req->request_id(), "Grant", req->grant(), iam::Grant, out);
}

grpc::Status AdminServiceImpl::Revoke(grpc::ServerContext* ctx, const v1::RevokeRequest* req,
                                      v1::ScopeGrant* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return service::ToGrpcStatus(bad);
  return WriteGrant(*ctx, *req, req->request_id(), "Revoke", req->grant(), iam::Revoke, out);
}

void AdminServiceImpl::NameGrant(const grpc::ServerContext& ctx, const iam::ScopeGrant& g) {
  if (service::CallAudit* audit = host_.AuditOf(ctx)) {
    audit->SetResource(
        dp::StrCat("iam/grants/", g.organisation_id, "/", g.scope_type, "/", g.scope_id));
  }
}

grpc::Status AdminServiceImpl::WriteGrant(const grpc::ServerContext& ctx,
                                          const google::protobuf::Message& request,
                                          const std::string& request_id,
                                          const std::string& operation,
                                          const v1::ScopeGrant& grant, GrantFn change,
                                          v1::ScopeGrant* out) {
  return Write(ctx,
      request, request_id, operation,
      [&](pqxx::work& tx) -> absl::StatusOr<std::string> {
        auto g = change(tx, FromProto(grant));
        if (!g.ok()) return g.status();
        ToProto(*g, out);
        NameGrant(ctx, *g);
        return GrantKey(*g);
      },
      [&](pqxx::work&, const std::string& key) -> absl::Status {
        ToProto(GrantFromKey(key), out);
        NameGrant(ctx, GrantFromKey(key));
        return absl::OkStatus();
      });
}

grpc::Status AdminServiceImpl::ListGrants(grpc::ServerContext*, const v1::ListGrantsRequest* req,
                                          v1::ListGrantsResponse* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return service::ToGrpcStatus(bad);
  return ToGrpcStatus(service::RunReadOnly(host_.pool(), [&](pqxx::transaction_base& tx) {
    auto page = iam::ListGrants(tx, req->organisation_id(), req->page_size(), req->page_token());
    if (!page.ok()) return page.status();
    for (const auto& g : page->rows) ToProto(g, out->add_grants());
    out->set_next_page_token(page->next_page_token);
    return absl::OkStatus();
  }));
}

grpc::Status AdminServiceImpl::RotateKeys(grpc::ServerContext* ctx, const v1::RotateKeysRequest* req,
                                          v1::RotateKeysResponse* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return service::ToGrpcStatus(bad);
  // Idempotent by nature: a second run finds nothing under an old key.
  if (req->request_id().empty()) {
    return ToGrpcStatus(FieldError("request_id", "is required"));
  }
  const crypto::FieldCipher cipher(host_.keyring());
  try {
    auto conn = host_.pool().Acquire();
    auto count = people::ReencryptAll(*conn, cipher, 500, [&](int64_t done) {
      service::LogEvent("info", {{"service", host_.config().name}, {"msg", "re-encrypting"},
                                 {"rows", done}});
    });
    if (!count.ok()) return ToGrpcStatus(count.status());
    out->set_active_key_id(cipher.active_key_id());
    out->set_rows_reencrypted(*count);
    // Re-encryption commits in many small transactions and changes no
    // meaning: its one event is written after them, by the host.
    if (service::CallAudit* audit = host_.AuditOf(*ctx)) {
      audit->SetResourceId(cipher.active_key_id());
      audit->RecordAfterwards();
    }
    return grpc::Status::OK;
  } catch (const std::exception& e) {
    return ToGrpcStatus(db::StatusFromException(e));
  }
}

}  // namespace dp::admin_service

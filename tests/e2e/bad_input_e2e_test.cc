// The systematic bad-input suite: every RPC of every service, walked from the
// proto descriptors, as a careless or hostile client would call it. Each
// field of a valid request (a "seed") is replaced in turn by values of its
// type that no real request carries: 0, -1 and the extremes of an integer;
// the empty string, a megabyte string and invalid UTF-8; an enum number
// nobody defined; impossible and far dates and instants; a list of ten
// thousand. Every answer must be an answer a client can act on:
//   - never INTERNAL, UNKNOWN or UNAVAILABLE (a crash), nor any other code
//     a client cannot act on;
//   - a message under 1 KB (no input echoed back);
//   - INVALID_ARGUMENT names a field (google.rpc.BadRequest), and for the
//     values no field may hold, the field that holds it;
//   - what no field may hold is refused, and a write refused wrote nothing:
//     no request id in any request log and no row more or less in any table
//     of the services' schemas.
// New RPCs are covered without a change here: a new write RPC fails the
// suite until it has a seed below, and its bounds come from the proto.
#include <condition_variable>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <random>
#include <string>
#include <vector>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/stubs/logging.h>
#include <google/protobuf/timestamp.pb.h>
#include <grpcpp/generic/generic_stub.h>

#include "dp/v1/admin.grpc.pb.h"
#include "dp/v1/agreements.grpc.pb.h"
#include "dp/v1/cards.grpc.pb.h"
#include "dp/v1/ledger.grpc.pb.h"
#include "dp/v1/monitoring.grpc.pb.h"
#include "dp/v1/payments.grpc.pb.h"
#include "dp/v1/payroll.grpc.pb.h"
#include "grpc_helpers.h"
#include "iam/policy.h"
#include "ledger_checks.h"
#include "service_process.h"
#include "test_db.h"
#include "tls_helpers.h"
#include "gtest/gtest.h"

namespace dp::testing {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::MethodDescriptor;
using google::protobuf::Reflection;

constexpr int kOversizedList = 10000;
constexpr size_t kMaxMessageBytes = 1024;

// ---------------------------------------------------------------- mutations

// Step is one hop from a message to a field in it (index -1: singular).
struct Step {
  const FieldDescriptor* field;
  int index;
};

enum class Expect {
  kAnyAnswer,           // 0, -1, "": the service decides
  kRefused,             // the extremes of an integer: no field may hold them
  kRefusedNamingField,  // text, lists, enums, dates: refused naming the field
};

struct Mutation {
  std::vector<Step> path;  // the last step is the field changed
  std::string field;       // "postings[0].amount.currency"
  std::string what;        // "a megabyte string"
  Expect expect;
  std::function<void(Message*, const FieldDescriptor*, int)> apply;
};

// Locate walks `path` (all but its last step) from `root`, making messages
// and list items as it goes, and returns the message holding the field.
Message* Locate(Message* root, const std::vector<Step>& path) {
  Message* m = root;
  for (size_t i = 0; i + 1 < path.size(); ++i) {
    const Reflection* r = m->GetReflection();
    const Step& s = path[i];
    if (s.index < 0) {
      m = r->MutableMessage(m, s.field);
      continue;
    }
    while (r->FieldSize(*m, s.field) <= s.index) r->AddMessage(m, s.field);
    m = r->MutableRepeatedMessage(m, s.field, s.index);
  }
  return m;
}

void SetInt(Message* m, const FieldDescriptor* f, int index, int64_t v) {
  const Reflection* r = m->GetReflection();
  const bool wide = f->cpp_type() == FieldDescriptor::CPPTYPE_INT64;
  if (index < 0) {
    wide ? r->SetInt64(m, f, v) : r->SetInt32(m, f, static_cast<int32_t>(v));
  } else {
    wide ? r->SetRepeatedInt64(m, f, index, v)
         : r->SetRepeatedInt32(m, f, index, static_cast<int32_t>(v));
  }
}

void SetString(Message* m, const FieldDescriptor* f, int index, const std::string& v) {
  const Reflection* r = m->GetReflection();
  index < 0 ? r->SetString(m, f, v) : r->SetRepeatedString(m, f, index, v);
}

void SetEnum(Message* m, const FieldDescriptor* f, int index, int v) {
  const Reflection* r = m->GetReflection();
  index < 0 ? r->SetEnumValue(m, f, v) : r->SetRepeatedEnumValue(m, f, index, v);
}

Message* MutableSub(Message* m, const FieldDescriptor* f, int index) {
  const Reflection* r = m->GetReflection();
  if (index < 0) return r->MutableMessage(m, f);
  while (r->FieldSize(*m, f) <= index) r->AddMessage(m, f);
  return r->MutableRepeatedMessage(m, f, index);
}

// Oversize makes a list of kOversizedList copies of its first item (a
// default item when it has none).
void Oversize(Message* m, const FieldDescriptor* f, int) {
  const Reflection* r = m->GetReflection();
  if (r->FieldSize(*m, f) == 0) {
    switch (f->cpp_type()) {
      case FieldDescriptor::CPPTYPE_MESSAGE: r->AddMessage(m, f); break;
      case FieldDescriptor::CPPTYPE_STRING: r->AddString(m, f, "x"); break;
      case FieldDescriptor::CPPTYPE_ENUM: r->AddEnumValue(m, f, 1); break;
      case FieldDescriptor::CPPTYPE_INT64: r->AddInt64(m, f, 1); break;
      case FieldDescriptor::CPPTYPE_INT32: r->AddInt32(m, f, 1); break;
      case FieldDescriptor::CPPTYPE_BOOL: r->AddBool(m, f, true); break;
      default: ADD_FAILURE() << "no oversized list of " << f->full_name(); return;
    }
  }
  while (r->FieldSize(*m, f) < kOversizedList) {
    switch (f->cpp_type()) {
      case FieldDescriptor::CPPTYPE_MESSAGE:
        r->AddMessage(m, f)->CopyFrom(r->GetRepeatedMessage(*m, f, 0));
        break;
      case FieldDescriptor::CPPTYPE_STRING: r->AddString(m, f, r->GetRepeatedString(*m, f, 0)); break;
      case FieldDescriptor::CPPTYPE_ENUM: r->AddEnumValue(m, f, r->GetRepeatedEnumValue(*m, f, 0)); break;
      case FieldDescriptor::CPPTYPE_INT64: r->AddInt64(m, f, r->GetRepeatedInt64(*m, f, 0)); break;
      case FieldDescriptor::CPPTYPE_INT32: r->AddInt32(m, f, r->GetRepeatedInt32(*m, f, 0)); break;
      case FieldDescriptor::CPPTYPE_BOOL: r->AddBool(m, f, true); break;
      default: return;
    }
  }
}

class Walker {
 public:
  std::vector<Mutation> Walk(const Message& seed) {
    Visit(seed.GetDescriptor(), &seed, {}, "", 0);
    return std::move(out_);
  }

 private:
  void Add(std::vector<Step> path, std::string field, std::string what, Expect expect,
           std::function<void(Message*, const FieldDescriptor*, int)> apply) {
    out_.push_back({std::move(path), std::move(field), std::move(what), expect, std::move(apply)});
  }

  // Value adds the mutations of one value (a singular field, or a list's
  // first item) by its type.
  void Value(const FieldDescriptor* f, const Message* seed_item, std::vector<Step> path,
             const std::string& name, int depth) {
    switch (f->cpp_type()) {
      case FieldDescriptor::CPPTYPE_INT32:
      case FieldDescriptor::CPPTYPE_INT64: {
        const bool wide = f->cpp_type() == FieldDescriptor::CPPTYPE_INT64;
        const int64_t max = wide ? std::numeric_limits<int64_t>::max()
                                 : std::numeric_limits<int32_t>::max();
        const int64_t min = wide ? std::numeric_limits<int64_t>::min()
                                 : std::numeric_limits<int32_t>::min();
        for (auto [v, what, expect] :
             {std::tuple{int64_t{0}, "0", Expect::kAnyAnswer},
              std::tuple{int64_t{-1}, "-1", Expect::kAnyAnswer},
              std::tuple{max, "the largest integer", Expect::kRefused},
              std::tuple{min, "the smallest integer", Expect::kRefused}}) {
          Add(path, name, what, expect,
              [v = v](Message* m, const FieldDescriptor* f, int i) { SetInt(m, f, i, v); });
        }
        return;
      }
      case FieldDescriptor::CPPTYPE_STRING:
        Add(path, name, "an empty string", Expect::kAnyAnswer,
            [](Message* m, const FieldDescriptor* f, int i) { SetString(m, f, i, ""); });
        Add(path, name, "a megabyte string", Expect::kRefusedNamingField,
            [](Message* m, const FieldDescriptor* f, int i) {
              SetString(m, f, i, std::string(1 << 20, 'x'));
            });
        Add(path, name, "invalid UTF-8", Expect::kRefusedNamingField,
            [](Message* m, const FieldDescriptor* f, int i) { SetString(m, f, i, "ok\xff\xfe"); });
        return;
      case FieldDescriptor::CPPTYPE_ENUM:
        Add(path, name, "an enum number nobody defined", Expect::kRefusedNamingField,
            [](Message* m, const FieldDescriptor* f, int i) { SetEnum(m, f, i, 999); });
        return;
      case FieldDescriptor::CPPTYPE_MESSAGE: {
        const Descriptor* type = f->message_type();
        if (type == v1::Date::descriptor()) {
          for (auto [y, mo, d, what] : {std::tuple{2026, 2, 30, "30 February"},
                                        std::tuple{9999, 12, 31, "the year 9999"},
                                        std::tuple{1, 1, 1, "the year 1"}}) {
            Add(path, name, what, Expect::kRefusedNamingField,
                [y = y, mo = mo, d = d](Message* m, const FieldDescriptor* f, int i) {
                  auto* date = static_cast<v1::Date*>(MutableSub(m, f, i));
                  date->set_year(y);
                  date->set_month(mo);
                  date->set_day(d);
                });
          }
          return;
        }
        if (type == google::protobuf::Timestamp::descriptor()) {
          for (auto [s, what] : {std::pair{int64_t{253402300800}, "the year 10000"},
                                 std::pair{int64_t{-62135596801}, "before the year 1"}}) {
            Add(path, name, what, Expect::kRefusedNamingField,
                [s = s](Message* m, const FieldDescriptor* f, int i) {
                  static_cast<google::protobuf::Timestamp*>(MutableSub(m, f, i))->set_seconds(s);
                });
          }
          return;
        }
        if (depth < 4) Visit(type, seed_item, path, name + ".", depth + 1);
        return;
      }
      default:
        return;  // bools: both values are meaningful
    }
  }

  void Visit(const Descriptor* d, const Message* seed, const std::vector<Step>& prefix,
             const std::string& name_prefix, int depth) {
    for (int i = 0; i < d->field_count(); ++i) {
      const FieldDescriptor* f = d->field(i);
      const std::string name = name_prefix + f->name();
      if (!f->is_repeated()) {
        std::vector<Step> path = prefix;
        path.push_back({f, -1});
        const Message* sub = nullptr;
        if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && seed != nullptr &&
            seed->GetReflection()->HasField(*seed, f)) {
          sub = &seed->GetReflection()->GetMessage(*seed, f);
        }
        Value(f, sub, path, name, depth);
        continue;
      }
      std::vector<Step> path = prefix;
      path.push_back({f, -1});
      Add(path, name, "a list of ten thousand", Expect::kRefusedNamingField, Oversize);
      const int n = seed != nullptr ? seed->GetReflection()->FieldSize(*seed, f) : 0;
      if (n == 0) continue;
      path.back().index = 0;
      const Message* first = f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE
                                 ? &seed->GetReflection()->GetRepeatedMessage(*seed, f, 0)
                                 : nullptr;
      Value(f, first, path, name + "[0]", depth);
    }
  }

  std::vector<Mutation> out_;
};

// Apply makes the request of one mutation from its seed.
void Apply(const Mutation& mutation, Message* request) {
  const Step& last = mutation.path.back();
  Message* holder = Locate(request, mutation.path);
  mutation.apply(holder, last.field, last.index);
}

// Plain drops list indexes: "postings[0].amount" -> "postings.amount".
std::string Plain(std::string field) {
  for (size_t open = field.find('['); open != std::string::npos; open = field.find('[')) {
    field.erase(open, field.find(']', open) - open + 1);
  }
  return field;
}

std::string LastPart(const std::string& field) { return field.substr(field.rfind('.') + 1); }

// NamesTheField: the refusal names the mutated field, the same field by
// its type ("Money.currency"), or the field holding it (a date, a list).
bool NamesTheField(const std::string& named, const std::string& mutated) {
  if (named.empty()) return false;
  const std::string n = Plain(named), m = Plain(mutated);
  return n == m || LastPart(n) == LastPart(m) || m.rfind(n + ".", 0) == 0;
}

// ---------------------------------------------------------------- calls

// CallStreaming sends one request to a server-streaming method and reads
// every answer to the end: its status is the call's.
grpc::Status CallStreaming(grpc::GenericStub& stub, grpc::ClientContext& ctx,
                           const std::string& method, const grpc::ByteBuffer& in) {
  grpc::CompletionQueue cq;
  auto call = stub.PrepareCall(&ctx, method, &cq);
  void* tag = nullptr;
  bool ok = false;
  auto step = [&](int id) {
    EXPECT_TRUE(cq.Next(&tag, &ok));
    EXPECT_EQ(tag, reinterpret_cast<void*>(static_cast<intptr_t>(id)));
    return ok;
  };
  call->StartCall(reinterpret_cast<void*>(1));
  if (step(1)) {
    call->Write(in, reinterpret_cast<void*>(2));
    if (step(2)) {
      call->WritesDone(reinterpret_cast<void*>(3));
      step(3);
    }
  }
  grpc::ByteBuffer out;
  for (int read = 0; read < 1000; ++read) {
    call->Read(&out, reinterpret_cast<void*>(4));
    if (!step(4)) break;
  }
  grpc::Status result;
  call->Finish(&result, reinterpret_cast<void*>(5));
  step(5);
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
  return result;
}

grpc::Status CallRaw(const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
                     const Message& request, bool server_streaming) {
  std::string bytes;
  request.SerializeToString(&bytes);
  grpc::Slice slice(bytes);
  grpc::ByteBuffer in(&slice, 1), out;
  grpc::GenericStub stub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  if (server_streaming) return CallStreaming(stub, ctx, method, in);
  grpc::Status result;
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  stub.UnaryCall(&ctx, method, {}, &in, &out, [&](grpc::Status s) {
    std::lock_guard lock(mu);
    result = std::move(s);
    done = true;
    cv.notify_one();
  });
  std::unique_lock lock(mu);
  cv.wait(lock, [&] { return done; });
  return result;
}

bool Unactionable(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::INTERNAL:
    case grpc::StatusCode::UNKNOWN:
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::UNIMPLEMENTED:
    case grpc::StatusCode::DATA_LOSS:
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
    case grpc::StatusCode::CANCELLED:
      return true;
    default:
      return false;
  }
}

// ---------------------------------------------------------------- the world

using Seed = std::function<std::unique_ptr<Message>()>;

template <typename T>
Seed SeedOf(std::function<void(T*)> fill) {
  return [fill] {
    auto m = std::make_unique<T>();
    fill(m.get());
    return std::unique_ptr<Message>(std::move(m));
  };
}

struct World {
  std::string database_url;
  std::unique_ptr<TestPki> pki;
  std::unique_ptr<ServiceProcess> ledger, agreements, payroll, cards, monitoring;
  std::map<std::string, std::shared_ptr<grpc::Channel>> officer, admin, processor;  // by service
  std::unique_ptr<pqxx::connection> db;
  std::string counts_sql;
  int64_t person = 0, draft = 0, active = 0, to_end = 0, ended = 0;
  int64_t account_x = 0, account_y = 0, transaction = 0;
  int64_t hold_increase = 0, hold_post = 0, hold_void = 0;
  int64_t employer = 0, employee = 0, leaver = 0, run = 0;
  int64_t card_agreement = 0, card = 0, card_to_cancel = 0, card_to_replace = 0;
  std::string card_token, authorisation;
  int64_t review_case = 0;
  int64_t payee = 0, payee_pending = 0, pa_payee = 0, invoice = 0, standing_order = 0, mandate = 0;
  int64_t payments_run = 0;
  v1::MonitoringSettings monitoring_settings;
  std::map<std::string, Seed> seeds;  // by "/dp.v1.Service/Method"
  int n = 0;
  std::string Id() { return "bi-" + std::to_string(n++); }
};

World* w = nullptr;

const char kAuthority[] = "BI-FIFE";
const char kIso[] = "BI-ISO";

v1::Terms TermsOf(int64_t budget_pence, v1::Date start) {
  v1::Terms t;
  t.set_model_version("FIFE-2026-1");
  t.add_personal_outcomes("Live at home with the support I choose");
  t.add_permitted_uses("pa_employment");
  *t.mutable_gross_budget() = Gbp(budget_pence);
  *t.mutable_start_date() = start;
  t.set_payment_frequency(v1::PAYMENT_FREQUENCY_FOUR_WEEKLY);
  t.set_payment_method(v1::PAYMENT_METHOD_BANK);
  return t;
}

template <typename Rpc>
void MustSucceed(const char* what, Rpc rpc) {
  auto ctx = Ctx(30000);
  const grpc::Status s = rpc(ctx.get());
  ASSERT_TRUE(s.ok()) << what << ": " << s.error_message();
}

class BadInputTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    w = new World;
    w->database_url = FreshDatabase("badinput");
    w->db = std::make_unique<pqxx::connection>(w->database_url);
    {
      pqxx::work tx(*w->db);
      tx.exec("INSERT INTO iam.organisations (id, kind, name) VALUES"
              " ('BI-FIFE', 'authority', 'Fife'), ('BI-ISO', 'iso', 'Bureau'),"
              " ('BI-PLATFORM', 'internal', 'Platform'), ('BI-PROC', 'processor', 'Switch')");
      tx.exec("INSERT INTO iam.grants (organisation_id, scope_type, scope_id)"
              " VALUES ('BI-PROC', 'authority', 'BI-FIFE')");
      tx.exec("INSERT INTO iam.principals (name, organisation_id, role, approver_level) VALUES"
              " ('officer@bi', 'BI-FIFE', 'finance_officer', 'panel'),"
              " ('victim@bi', 'BI-FIFE', 'finance_officer', 'worker'),"
              " ('admin@bi', 'BI-PLATFORM', 'admin', 'none'),"
              " ('switch@bi', 'BI-PROC', 'processor', 'none')");
      tx.commit();
    }
    w->pki = std::make_unique<TestPki>(::testing::TempDir() + "/pki-badinput-" +
                                       std::to_string(std::random_device{}() % 100000000));
    ASSERT_TRUE(w->pki->Issue("officer@bi") && w->pki->Issue("admin@bi") &&
                w->pki->Issue("switch@bi"));
    std::vector<std::string> args = w->pki->ServerArgs();
    args.insert(args.end(), {"--database-url", w->database_url});
    w->ledger = std::make_unique<ServiceProcess>("ledger", args);
    w->agreements = std::make_unique<ServiceProcess>("agreements", args);
    w->payroll = std::make_unique<ServiceProcess>("payroll", args);
    w->cards = std::make_unique<ServiceProcess>("cards", args);
    w->monitoring = std::make_unique<ServiceProcess>("monitoring", args);
    for (auto* p : {w->ledger.get(), w->agreements.get(), w->payroll.get(), w->cards.get(),
                    w->monitoring.get()}) {
      ASSERT_TRUE(p->Start()) << p->Log();
    }
    const std::map<std::string, std::string> addresses = {
        {"dp.v1.LedgerService", w->ledger->address()},
        {"dp.v1.AdminService", w->ledger->address()},
        {"dp.v1.AuditService", w->ledger->address()},
        {"dp.v1.AgreementService", w->agreements->address()},
        {"dp.v1.PayrollService", w->payroll->address()},
        {"dp.v1.CardService", w->cards->address()},
        {"dp.v1.MonitoringService", w->monitoring->address()},
        {"dp.v1.PaymentService", w->agreements->address()}};
    for (const auto& [service, address] : addresses) {
      w->officer[service] = w->pki->ChannelAs("officer@bi", address);
      w->admin[service] = w->pki->ChannelAs("admin@bi", address);
      w->processor[service] = w->pki->ChannelAs("switch@bi", address);
    }
    MakeTheBooks();
    if (HasFailure()) return;  // the seeds would name nothing
    DefineSeeds();
    // Every table of every service's schema, counted at once; the audit
    // trail is left out (refusals are audited, as they must be).
    pqxx::read_transaction tx(*w->db);
    std::string sql;
    for (const auto& row : tx.exec(
             "SELECT table_schema || '.' || table_name FROM information_schema.tables"
             " WHERE table_type = 'BASE TABLE' AND table_schema IN"
             " ('ledger', 'agreements', 'payroll', 'people', 'iam', 'cards', 'monitoring',"
             " 'payments')"
             " ORDER BY 1")) {
      const std::string table = row[0].as<std::string>();
      if (!sql.empty()) sql += " UNION ALL ";
      sql += "SELECT '" + table + "', count(*) FROM " + table;
    }
    w->counts_sql = sql;
  }

  static void TearDownTestSuite() {
    delete w;
    w = nullptr;
  }

  // MakeTheBooks makes, through the API, what the seeds name: agreements in
  // each state, accounts, a transaction, holds, a PA employer with a pay run.
  static void MakeTheBooks() {
    auto agreements = v1::AgreementService::NewStub(w->officer["dp.v1.AgreementService"]);
    auto ledger = v1::LedgerService::NewStub(w->officer["dp.v1.LedgerService"]);
    auto payroll = v1::PayrollService::NewStub(w->officer["dp.v1.PayrollService"]);
    v1::SetAuthoritySettingsRequest settings;
    settings.set_request_id(w->Id());
    auto* s = settings.mutable_settings();
    s->set_authority_id(kAuthority);
    *s->mutable_effective_from() = D(2026, 4, 1);
    *s->mutable_worker_limit() = Gbp(20'000'00);
    *s->mutable_manager_limit() = Gbp(50'000'00);
    s->set_panel_max_wait_days(28);
    s->set_payment_frequency(v1::PAYMENT_FREQUENCY_FOUR_WEEKLY);
    *s->mutable_cycle_anchor() = D(2026, 4, 6);
    s->set_surplus_threshold_weeks(8);
    v1::AuthoritySettings saved;
    MustSucceed("settings", [&](auto* c) { return agreements->SetAuthoritySettings(c, settings, &saved); });
    v1::CreatePersonRequest person;
    person.set_request_id(w->Id());
    person.set_authority_id(kAuthority);
    person.set_display_name("Morag Brown");
    person.set_bank_sort_code("401234");
    person.set_bank_account_number("12345678");
    v1::PersonSummary summary;
    MustSucceed("person", [&](auto* c) { return agreements->CreatePerson(c, person, &summary); });
    w->person = summary.person_id();
    auto agreement = [&](std::vector<v1::DecisionAction> actions) {
      v1::CreateAgreementRequest create;
      create.set_request_id(w->Id());
      create.set_authority_id(kAuthority);
      create.set_person_id(w->person);
      create.mutable_manager()->set_kind(v1::MANAGER_KIND_SELF);
      *create.mutable_terms() = TermsOf(2500'00, D(2026, 4, 6));
      v1::Agreement a;
      MustSucceed("agreement", [&](auto* c) { return agreements->CreateAgreement(c, create, &a); });
      for (auto action : actions) {
        v1::DecideRequest d;
        d.set_request_id(w->Id());
        d.set_agreement_id(a.agreement_id());
        d.set_action(action);
        d.set_reason("as assessed");
        MustSucceed("decision", [&](auto* c) { return agreements->Decide(c, d, &a); });
      }
      return a.agreement_id();
    };
    const std::vector<v1::DecisionAction> activate = {
        v1::DECISION_ACTION_SUBMIT, v1::DECISION_ACTION_APPROVE, v1::DECISION_ACTION_ACTIVATE};
    w->draft = agreement({});
    w->active = agreement(activate);
    w->to_end = agreement(activate);
    w->ended = agreement(activate);
    {  // paid onto a card
      v1::CreateAgreementRequest create;
      create.set_request_id(w->Id());
      create.set_authority_id(kAuthority);
      create.set_person_id(w->person);
      create.mutable_manager()->set_kind(v1::MANAGER_KIND_SELF);
      *create.mutable_terms() = TermsOf(500'00, D(2026, 4, 6));
      create.mutable_terms()->set_payment_method(v1::PAYMENT_METHOD_CARD);
      v1::Agreement a;
      MustSucceed("card agreement", [&](auto* c) { return agreements->CreateAgreement(c, create, &a); });
      for (auto action : activate) {
        v1::DecideRequest d;
        d.set_request_id(w->Id());
        d.set_agreement_id(a.agreement_id());
        d.set_action(action);
        d.set_reason("as assessed");
        MustSucceed("card decision", [&](auto* c) { return agreements->Decide(c, d, &a); });
      }
      w->card_agreement = a.agreement_id();
    }
    v1::RunPaymentScheduleRequest pay;
    pay.set_request_id(w->Id());
    pay.set_authority_id(kAuthority);
    *pay.mutable_run_date() = D(2026, 5, 10);
    v1::PaymentRun paid;
    MustSucceed("payments", [&](auto* c) { return agreements->RunPaymentSchedule(c, pay, &paid); });
    v1::TerminateRequest end;
    end.set_request_id(w->Id());
    end.set_agreement_id(w->ended);
    *end.mutable_end_date() = D(2026, 5, 20);
    end.set_reason("moved away");
    v1::FinalPosition position;
    MustSucceed("termination", [&](auto* c) { return agreements->Terminate(c, end, &position); });

    auto account = [&](const std::string& code) {
      v1::CreateAccountRequest req;
      req.set_request_id(w->Id());
      req.set_code(code);
      req.set_name(code);
      req.set_type(v1::ACCOUNT_TYPE_ASSET);
      req.set_currency("GBP");
      req.set_authority_id(kAuthority);
      req.set_owner_type("agreement");
      req.set_owner_id(std::to_string(w->active));
      v1::Account out;
      MustSucceed("account", [&](auto* c) { return ledger->CreateAccount(c, req, &out); });
      return out.id();
    };
    w->account_x = account("BI:X");
    w->account_y = account("BI:Y");
    v1::CreateTransactionRequest journal;
    journal.set_request_id(w->Id());
    journal.set_kind("manual_journal");
    journal.set_description("set up by the bad-input suite");
    for (auto [id, side] : {std::pair{w->account_x, v1::SIDE_DEBIT},
                            std::pair{w->account_y, v1::SIDE_CREDIT}}) {
      auto* p = journal.add_postings();
      p->set_account_id(id);
      p->set_side(side);
      *p->mutable_amount() = Gbp(100'00);
    }
    v1::Transaction t;
    MustSucceed("journal", [&](auto* c) { return ledger->CreateTransaction(c, journal, &t); });
    w->transaction = t.id();
    auto hold = [&] {
      v1::CreatePendingTransferRequest req;
      req.set_request_id(w->Id());
      req.set_debit_account_id(w->account_x);
      req.set_credit_account_id(w->account_y);
      *req.mutable_amount() = Gbp(10'00);
      req.set_timeout_seconds(86400);
      req.set_description("a hold");
      v1::PendingTransfer out;
      MustSucceed("hold", [&](auto* c) { return ledger->CreatePendingTransfer(c, req, &out); });
      return out.id();
    };
    w->hold_increase = hold();
    w->hold_post = hold();
    w->hold_void = hold();

    v1::CreateEmployerRequest er;
    er.set_request_id(w->Id());
    er.set_agreement_id(w->active);
    er.set_name("Morag Brown (PA employer)");
    er.set_paye_reference("123/AB456");
    er.set_accounts_office_reference("123PA00045678");
    er.set_pay_frequency(v1::PAY_FREQUENCY_FOUR_WEEKLY);
    er.set_scottish_care_minimum(true);
    v1::Employer employer;
    MustSucceed("employer", [&](auto* c) { return payroll->CreateEmployer(c, er, &employer); });
    w->employer = employer.employer_id();
    auto employee = [&](const std::string& ni) {
      v1::CreateEmployeeRequest req;
      req.set_request_id(w->Id());
      req.set_employer_id(w->employer);
      req.set_name("Jamie Fraser");
      req.set_ni_number(ni);
      *req.mutable_date_of_birth() = D(1985, 7, 1);
      *req.mutable_start_date() = D(2026, 4, 6);
      req.set_tax_code("S1257L");
      req.set_standard_rate_pence(1400);
      req.set_gender("F");
      req.set_bank_sort_code("401234");
      req.set_bank_account_number("87654321");
      v1::Employee out;
      MustSucceed("employee", [&](auto* c) { return payroll->CreateEmployee(c, req, &out); });
      return out.employee_id();
    };
    w->employee = employee("AB123456C");
    w->leaver = employee("AB123457C");
    v1::SubmitTimesheetRequest sheet;
    sheet.set_request_id(w->Id());
    sheet.set_employee_id(w->employee);
    *sheet.mutable_period_start() = D(2026, 5, 4);
    *sheet.mutable_period_end() = D(2026, 5, 31);
    auto* e = sheet.add_entries();
    *e->mutable_date() = D(2026, 5, 4);
    e->set_rate_type("standard");
    e->set_hours_centi(800);
    v1::TimesheetReceipt receipt;
    MustSucceed("timesheet", [&](auto* c) { return payroll->SubmitTimesheet(c, sheet, &receipt); });
    v1::RunPayrollRequest run;
    run.set_request_id(w->Id());
    run.set_employer_id(w->employer);
    *run.mutable_period_start() = D(2026, 5, 4);
    *run.mutable_period_end() = D(2026, 5, 31);
    *run.mutable_payment_date() = D(2026, 5, 29);
    v1::PayRun paid_run;
    MustSucceed("pay run", [&](auto* c) { return payroll->RunPayroll(c, run, &paid_run); });
    w->run = paid_run.run_id();

    auto cards = v1::CardService::NewStub(w->officer["dp.v1.CardService"]);
    auto issue = [&](const std::string& token, bool additional) {
      v1::IssueCardRequest req;
      req.set_request_id(w->Id());
      req.set_agreement_id(w->card_agreement);
      req.set_processor_token(token);
      req.set_last4("4242");
      req.set_expiry_month(9);
      req.set_expiry_year(2029);
      req.set_additional_holder(additional);
      req.set_holder_name("Morag Brown");
      req.set_reason("a prepaid card");
      v1::Card card;
      MustSucceed("card", [&](auto* c) { return cards->IssueCard(c, req, &card); });
      return card.card_id();
    };
    w->card_token = "bi-card-main";
    w->card = issue(w->card_token, false);
    w->card_to_cancel = issue("bi-card-cancel", true);
    w->card_to_replace = issue("bi-card-replace", true);
    v1::AuthorizeRequest buy;
    buy.set_processor_id("bi-auth-1");
    buy.set_card_token(w->card_token);
    *buy.mutable_amount() = Gbp(20'00);
    buy.set_merchant_category("5411");
    buy.set_merchant_name("Corner Shop");
    buy.set_merchant_country("GB");
    buy.set_channel(v1::CHANNEL_IN_PERSON);
    v1::AuthorizationDecision decided;
    auto network = v1::CardService::NewStub(w->processor["dp.v1.CardService"]);
    MustSucceed("authorisation", [&](auto* c) { return network->Authorize(c, buy, &decided); });
    EXPECT_EQ(decided.outcome(), v1::AUTHORIZATION_OUTCOME_APPROVED) << decided.message();
    w->authorisation = buy.processor_id();

    // A sweep finds what these books hold (agreements paid but not spent
    // from since April: dormant) and opens cases.
    auto monitoring = v1::MonitoringService::NewStub(w->officer["dp.v1.MonitoringService"]);
    v1::SweepRequest sweep;
    sweep.set_request_id(w->Id());
    sweep.set_authority_id(kAuthority);
    v1::SweepReport report;
    MustSucceed("sweep", [&](auto* c) { return monitoring->Sweep(c, sweep, &report); });
    EXPECT_GT(report.cases_opened(), 0);
    v1::ListCasesRequest cases;
    cases.set_authority_id(kAuthority);
    v1::ListCasesResponse open;
    MustSucceed("cases", [&](auto* c) { return monitoring->ListCases(c, cases, &open); });
    if (!open.cases().empty()) w->review_case = open.cases(0).case_id();
    EXPECT_GT(w->review_case, 0) << "a review case";
    v1::GetMonitoringSettingsRequest get;
    get.set_authority_id(kAuthority);
    MustSucceed("settings", [&](auto* c) {
      return monitoring->GetMonitoringSettings(c, get, &w->monitoring_settings);
    });

    // Payments out: payees (one approved, one waiting), a PA's payee, an
    // invoice, a standing order, a mandate and a run.
    auto payments = v1::PaymentService::NewStub(w->officer["dp.v1.PaymentService"]);
    auto add_payee = [&](v1::PayeeKind kind, int64_t employee, bool approve) {
      v1::AddPayeeRequest req;
      req.set_request_id(w->Id());
      req.set_agreement_id(w->active);
      req.set_kind(kind);
      req.set_name("HM Revenue and Customs");
      req.set_account_name("HMRC CUMBERNAULD");
      req.set_sort_code("08-32-10");
      req.set_account_number("12001039");
      req.set_reference("123PA00045678");
      req.set_employee_id(employee);
      req.set_reason("the employer's PAYE");
      v1::Payee payee;
      MustSucceed("payee", [&](auto* c) { return payments->AddPayee(c, req, &payee); });
      if (approve) {
        v1::ApprovePayeeRequest a;
        a.set_request_id(w->Id());
        a.set_payee_id(payee.payee_id());
        a.set_reason("confirmed");
        MustSucceed("approve", [&](auto* c) { return payments->ApprovePayee(c, a, &payee); });
      }
      return payee.payee_id();
    };
    w->payee = add_payee(v1::PAYEE_KIND_HMRC, 0, true);
    w->payee_pending = add_payee(v1::PAYEE_KIND_HMRC, 0, false);
    w->pa_payee = add_payee(v1::PAYEE_KIND_PA, w->employee, true);
    v1::SubmitInvoiceRequest inv;
    inv.set_request_id(w->Id());
    inv.set_agreement_id(w->active);
    inv.set_payee_id(w->pa_payee);
    inv.set_number("MILEAGE-1");
    *inv.mutable_amount() = Gbp(12'00);
    *inv.mutable_due_date() = D(2027, 1, 4);
    v1::Invoice invoice;
    MustSucceed("invoice", [&](auto* c) { return payments->SubmitInvoice(c, inv, &invoice); });
    w->invoice = invoice.invoice_id();
    v1::CreateStandingOrderRequest so;
    so.set_request_id(w->Id());
    so.set_agreement_id(w->active);
    so.set_payee_id(w->payee);
    *so.mutable_amount() = Gbp(1'00);
    so.set_frequency(v1::ORDER_FREQUENCY_MONTHLY);
    *so.mutable_first_date() = D(2027, 1, 4);
    v1::StandingOrder order;
    MustSucceed("standing order", [&](auto* c) { return payments->CreateStandingOrder(c, so, &order); });
    w->standing_order = order.standing_order_id();
    v1::CreateMandateRequest mandate;
    mandate.set_request_id(w->Id());
    mandate.set_agreement_id(w->active);
    mandate.set_payee_id(w->payee);
    mandate.set_reference("BI-MANDATE");
    v1::Mandate made;
    MustSucceed("mandate", [&](auto* c) { return payments->CreateMandate(c, mandate, &made); });
    w->mandate = made.mandate_id();
    v1::RunPaymentsRequest pr;
    pr.set_request_id(w->Id());
    pr.set_authority_id(kAuthority);
    *pr.mutable_run_date() = D(2026, 12, 1);
    v1::PaymentsRun prun;
    MustSucceed("payments run", [&](auto* c) { return payments->RunPayments(c, pr, &prun); });
    w->payments_run = prun.run_id();
  }

  // DefineSeeds gives each RPC a request that would succeed, or would be
  // refused only for the state its first success left behind.
  static void DefineSeeds() {
    auto& s = w->seeds;
    // The ledger.
    s["/dp.v1.LedgerService/CreateAccount"] = SeedOf<v1::CreateAccountRequest>([](auto* r) {
      r->set_code("BI:NEW:" + std::to_string(w->n++));
      r->set_name("A new account");
      r->set_type(v1::ACCOUNT_TYPE_ASSET);
      r->set_currency("GBP");
      r->set_authority_id(kAuthority);
      r->set_owner_type("agreement");
      r->set_owner_id(std::to_string(w->active));
    });
    s["/dp.v1.LedgerService/CreateTransaction"] = SeedOf<v1::CreateTransactionRequest>([](auto* r) {
      r->set_kind("manual_journal");
      r->set_description("moved by the bad-input suite");
      for (auto [id, side] : {std::pair{w->account_x, v1::SIDE_DEBIT},
                              std::pair{w->account_y, v1::SIDE_CREDIT}}) {
        auto* p = r->add_postings();
        p->set_account_id(id);
        p->set_side(side);
        *p->mutable_amount() = Gbp(1'00);
      }
    });
    s["/dp.v1.LedgerService/ReverseTransaction"] = SeedOf<v1::ReverseTransactionRequest>([](auto* r) {
      r->set_transaction_id(w->transaction);
      r->set_reason("keyed twice");
    });
    s["/dp.v1.LedgerService/CreatePendingTransfer"] =
        SeedOf<v1::CreatePendingTransferRequest>([](auto* r) {
          r->set_debit_account_id(w->account_x);
          r->set_credit_account_id(w->account_y);
          *r->mutable_amount() = Gbp(1'00);
          r->set_timeout_seconds(86400);
          r->set_description("a hold");
          *r->mutable_post_tolerance() = Gbp(0);
        });
    s["/dp.v1.LedgerService/IncreasePendingTransfer"] =
        SeedOf<v1::IncreasePendingTransferRequest>([](auto* r) {
          r->set_pending_transfer_id(w->hold_increase);
          *r->mutable_amount() = Gbp(1'00);
        });
    s["/dp.v1.LedgerService/PostPendingTransfer"] = SeedOf<v1::PostPendingTransferRequest>([](auto* r) {
      r->set_pending_transfer_id(w->hold_post);
      *r->mutable_amount() = Gbp(5'00);
    });
    s["/dp.v1.LedgerService/VoidPendingTransfer"] = SeedOf<v1::VoidPendingTransferRequest>([](auto* r) {
      r->set_pending_transfer_id(w->hold_void);
      r->set_reason("the purchase was cancelled");
    });
    s["/dp.v1.LedgerService/GetAccount"] =
        SeedOf<v1::GetAccountRequest>([](auto* r) { r->set_id(w->account_x); });
    s["/dp.v1.LedgerService/GetTransaction"] =
        SeedOf<v1::GetTransactionRequest>([](auto* r) { r->set_id(w->transaction); });
    s["/dp.v1.LedgerService/GetPendingTransfer"] =
        SeedOf<v1::GetPendingTransferRequest>([](auto* r) { r->set_id(w->hold_increase); });
    s["/dp.v1.LedgerService/GetBalance"] =
        SeedOf<v1::GetBalanceRequest>([](auto* r) { r->set_account_id(w->account_x); });
    s["/dp.v1.LedgerService/ListStatement"] =
        SeedOf<v1::ListStatementRequest>([](auto* r) { r->set_account_id(w->account_x); });
    // Agreements.
    s["/dp.v1.AgreementService/SetAuthoritySettings"] =
        SeedOf<v1::SetAuthoritySettingsRequest>([](auto* r) {
          auto* st = r->mutable_settings();
          st->set_authority_id(kAuthority);
          *st->mutable_effective_from() = D(2026, 9, 1);
          *st->mutable_worker_limit() = Gbp(20'000'00);
          *st->mutable_manager_limit() = Gbp(50'000'00);
          st->set_panel_max_wait_days(28);
          st->set_payment_frequency(v1::PAYMENT_FREQUENCY_FOUR_WEEKLY);
          *st->mutable_cycle_anchor() = D(2026, 4, 6);
          st->set_contingency_weeks(4);
          st->set_surplus_threshold_weeks(8);
          st->add_blocked_card_categories("7995");
        });
    s["/dp.v1.AgreementService/CreatePerson"] = SeedOf<v1::CreatePersonRequest>([](auto* r) {
      r->set_authority_id(kAuthority);
      r->set_display_name("Ailsa Grant");
      r->set_ni_number("CD123456A");
      r->set_date_of_birth("1970-01-01");
      r->set_bank_sort_code("401234");
      r->set_bank_account_number("11223344");
    });
    s["/dp.v1.AgreementService/CreateAgreement"] = SeedOf<v1::CreateAgreementRequest>([](auto* r) {
      r->set_authority_id(kAuthority);
      r->set_person_id(w->person);
      r->mutable_manager()->set_kind(v1::MANAGER_KIND_SELF);
      *r->mutable_terms() = TermsOf(1400'00, D(2026, 4, 20));
      r->mutable_terms()->add_excluded_uses("long_term_residential_care");
      r->set_reason("as assessed");
    });
    s["/dp.v1.AgreementService/AmendAgreement"] = SeedOf<v1::AmendAgreementRequest>([](auto* r) {
      r->set_agreement_id(w->active);
      *r->mutable_effective_from() = D(2026, 6, 1);
      *r->mutable_terms() = TermsOf(2600'00, D(2026, 4, 6));
      r->set_reason("more support after a hospital stay");
    });
    s["/dp.v1.AgreementService/Decide"] = SeedOf<v1::DecideRequest>([](auto* r) {
      r->set_agreement_id(w->draft);
      r->set_action(v1::DECISION_ACTION_SUBMIT);
      r->set_reason("ready for approval");
    });
    s["/dp.v1.AgreementService/Terminate"] = SeedOf<v1::TerminateRequest>([](auto* r) {
      r->set_agreement_id(w->to_end);
      *r->mutable_end_date() = D(2026, 7, 15);
      r->set_reason("moved to another council area");
      *r->mutable_notice_pay_owed() = Gbp(200'00);
      *r->mutable_holiday_pay_owed() = Gbp(100'00);
    });
    s["/dp.v1.AgreementService/ConfirmRecovery"] = SeedOf<v1::ConfirmRecoveryRequest>([](auto* r) {
      r->set_agreement_id(w->ended);
      *r->mutable_amount() = Gbp(1'00);
      r->set_reason("unspent budget returned, as agreed");
    });
    for (const char* run : {"RunPaymentSchedule", "RunPaymentScheduleWithProgress"}) {
      s[std::string("/dp.v1.AgreementService/") + run] =
          SeedOf<v1::RunPaymentScheduleRequest>([](auto* r) {
            r->set_authority_id(kAuthority);
            *r->mutable_run_date() = D(2026, 6, 10);
          });
    }
    s["/dp.v1.AgreementService/GetAuthoritySettings"] =
        SeedOf<v1::GetAuthoritySettingsRequest>([](auto* r) {
          r->set_authority_id(kAuthority);
          *r->mutable_as_of() = D(2026, 5, 1);
        });
    s["/dp.v1.AgreementService/GetPerson"] =
        SeedOf<v1::GetPersonRequest>([](auto* r) { r->set_person_id(w->person); });
    s["/dp.v1.AgreementService/GetAgreement"] = SeedOf<v1::GetAgreementRequest>([](auto* r) {
      r->set_agreement_id(w->active);
      *r->mutable_as_of() = D(2026, 5, 1);
    });
    s["/dp.v1.AgreementService/ListAgreements"] = SeedOf<v1::ListAgreementsRequest>([](auto* r) {
      r->set_authority_id(kAuthority);
      r->set_status(v1::AGREEMENT_STATUS_ACTIVE);
    });
    s["/dp.v1.AgreementService/ListPayments"] =
        SeedOf<v1::ListPaymentsRequest>([](auto* r) { r->set_agreement_id(w->active); });
    s["/dp.v1.AgreementService/GetRecord"] =
        SeedOf<v1::GetRecordRequest>([](auto* r) { r->set_agreement_id(w->active); });
    // Payroll.
    s["/dp.v1.PayrollService/CreateEmployer"] = SeedOf<v1::CreateEmployerRequest>([](auto* r) {
      r->set_agreement_id(w->active);
      r->set_name("A second PA employer");
      r->set_paye_reference("123/AB457");
      r->set_accounts_office_reference("123PA00045679");
      r->set_pay_frequency(v1::PAY_FREQUENCY_FOUR_WEEKLY);
      r->set_scottish_care_minimum(true);
    });
    s["/dp.v1.PayrollService/CreateEmployee"] = SeedOf<v1::CreateEmployeeRequest>([](auto* r) {
      r->set_employer_id(w->employer);
      r->set_name("Eilidh Ross");
      r->set_ni_number("AB" + std::to_string(200000 + w->n++) + "C");
      *r->mutable_date_of_birth() = D(1990, 3, 1);
      *r->mutable_start_date() = D(2026, 5, 4);
      r->set_tax_code("S1257L");
      r->set_ni_category("A");
      r->set_standard_rate_pence(1400);
      r->set_night_rate_pence(1500);
      r->set_sleepover_rate_pence(1400);
      r->set_holiday_rate_pence(1400);
      r->set_holiday_method(v1::HOLIDAY_METHOD_ACCRUAL_12_07);
      r->set_qualifying_days_per_week(5);
      r->set_gender("F");
      r->set_bank_sort_code("401234");
      r->set_bank_account_number("55667788");
      *r->mutable_pension_postponed_until() = D(2026, 6, 1);
    });
    s["/dp.v1.PayrollService/SubmitTimesheet"] = SeedOf<v1::SubmitTimesheetRequest>([](auto* r) {
      r->set_employee_id(w->employee);
      *r->mutable_period_start() = D(2026, 6, 1);
      *r->mutable_period_end() = D(2026, 6, 28);
      auto* e = r->add_entries();
      *e->mutable_date() = D(2026, 6, 2);
      e->set_rate_type("standard");
      e->set_hours_centi(750);
    });
    s["/dp.v1.PayrollService/RunPayroll"] = SeedOf<v1::RunPayrollRequest>([](auto* r) {
      r->set_employer_id(w->employer);
      *r->mutable_period_start() = D(2026, 5, 4);
      *r->mutable_period_end() = D(2026, 5, 31);
      *r->mutable_payment_date() = D(2026, 5, 29);
      r->set_correction(true);
      r->set_reason("hours on 4 May were keyed twice");
    });
    s["/dp.v1.PayrollService/PayLiability"] = SeedOf<v1::PayLiabilityRequest>([](auto* r) {
      r->set_employer_id(w->employer);
      r->set_liability(v1::LIABILITY_WAGES);
      r->set_amount_pence(1'00);
      r->set_reference("BACS 2026-05-29");
    });
    s["/dp.v1.PayrollService/LeaveEmployee"] = SeedOf<v1::LeaveEmployeeRequest>([](auto* r) {
      r->set_employee_id(w->leaver);
      *r->mutable_leave_date() = D(2026, 5, 31);
    });
    s["/dp.v1.PayrollService/GetPayRun"] =
        SeedOf<v1::GetPayRunRequest>([](auto* r) { r->set_run_id(w->run); });
    s["/dp.v1.PayrollService/GetDocument"] = SeedOf<v1::GetDocumentRequest>([](auto* r) {
      r->set_kind(v1::DOCUMENT_KIND_PAYSLIPS_PDF);
      r->set_run_id(w->run);
    });
    s["/dp.v1.PayrollService/Calculate"] = SeedOf<v1::CalculateRequest>([](auto* r) {
      r->set_tax_year("2026-27");
      r->set_pay_frequency(v1::PAY_FREQUENCY_FOUR_WEEKLY);
      r->set_period(2);
      r->set_tax_code("S1257L");
      r->set_gross_pay_pence(2000'00);
      r->set_ni_category("A");
    });
    // Cards.
    auto controls = [](v1::CardControls* c) {
      auto* day = c->add_limits();
      day->set_interval(v1::LIMIT_INTERVAL_DAY);
      *day->mutable_max_amount() = Gbp(100'00);
      day->set_max_count(5);
      c->add_channels(v1::CHANNEL_IN_PERSON);
      c->add_countries("GB");
      c->add_blocked_categories("gambling");
      c->add_allowed_categories("5813");
      *c->mutable_cash_daily_limit() = Gbp(50'00);
    };
    s["/dp.v1.CardService/IssueCard"] = SeedOf<v1::IssueCardRequest>([controls](auto* r) {
      r->set_agreement_id(w->card_agreement);
      r->set_processor_token("bi-tok-" + std::to_string(w->n++));
      r->set_last4("1234");
      r->set_expiry_month(12);
      r->set_expiry_year(2030);
      r->set_additional_holder(true);
      r->set_holder_name("Ailsa Brown");
      controls(r->mutable_controls());
      r->set_reason("a card for Morag's daughter, who shops for her");
    });
    for (const char* method : {"/dp.v1.CardService/FreezeCard", "/dp.v1.CardService/UnfreezeCard",
                               "/dp.v1.CardService/CancelCard"}) {
      const bool cancel = std::string(method).find("Cancel") != std::string::npos;
      s[method] = SeedOf<v1::ChangeCardRequest>([cancel](auto* r) {
        r->set_card_id(cancel ? w->card_to_cancel : w->card);
        r->set_reason("Morag reported the card lost");
      });
    }
    s["/dp.v1.CardService/LoadCard"] = SeedOf<v1::LoadCardRequest>([](auto* r) {
      r->set_agreement_id(w->card_agreement);
      *r->mutable_amount() = Gbp(1'00);
      r->set_reason("an emergency load");
    });
    s["/dp.v1.CardService/ReplaceCard"] = SeedOf<v1::ReplaceCardRequest>([](auto* r) {
      r->set_card_id(w->card_to_replace);
      r->set_processor_token("bi-tok-" + std::to_string(w->n++));
      r->set_last4("9876");
      r->set_expiry_month(6);
      r->set_expiry_year(2031);
      r->set_reason("the card was damaged");
    });
    s["/dp.v1.CardService/SetCardControls"] = SeedOf<v1::SetCardControlsRequest>([controls](auto* r) {
      r->set_card_id(w->card);
      controls(r->mutable_controls());
      r->set_reason("a daily limit, as agreed with Morag");
    });
    s["/dp.v1.CardService/Authorize"] = SeedOf<v1::AuthorizeRequest>([](auto* r) {
      r->set_card_token(w->card_token);
      *r->mutable_amount() = Gbp(1'00);
      r->set_merchant_category("5411");
      r->set_merchant_name("Corner Shop");
      r->set_merchant_id("M-1");
      r->set_merchant_country("GB");
      r->set_channel(v1::CHANNEL_IN_PERSON);
    });
    s["/dp.v1.CardService/Capture"] = SeedOf<v1::CaptureRequest>([](auto* r) {
      r->set_authorization_processor_id(w->authorisation);
      r->set_card_token(w->card_token);
      *r->mutable_amount() = Gbp(1'00);
      r->set_merchant_category("5411");
      r->set_merchant_name("Corner Shop");
    });
    s["/dp.v1.CardService/Reverse"] = SeedOf<v1::ReverseRequest>(
        [](auto* r) { r->set_authorization_processor_id(w->authorisation); });
    s["/dp.v1.CardService/Refund"] = SeedOf<v1::RefundRequest>([](auto* r) {
      r->set_card_token(w->card_token);
      *r->mutable_amount() = Gbp(1'00);
      r->set_original_processor_id(w->authorisation);
      r->set_merchant_name("Corner Shop");
    });
    s["/dp.v1.CardService/ImportClearing"] = SeedOf<v1::ImportClearingRequest>([](auto* r) {
      r->set_file_name("bi-clearing.csv");
      r->set_first_line(1);
      r->add_lines("type,processor_id,authorization_id,card_token,amount,merchant_category,"
                   "merchant_name");
      r->add_lines("capture,bi-clr-" + std::to_string(w->n++) + ",," + w->card_token +
                   ",1.00,5411,Corner Shop");
    });
    s["/dp.v1.CardService/GetCard"] =
        SeedOf<v1::GetCardRequest>([](auto* r) { r->set_card_id(w->card); });
    s["/dp.v1.CardService/ListCards"] =
        SeedOf<v1::ListCardsRequest>([](auto* r) { r->set_agreement_id(w->card_agreement); });
    // Monitoring.
    s["/dp.v1.MonitoringService/SetMonitoringSettings"] =
        SeedOf<v1::SetMonitoringSettingsRequest>([](auto* r) {
          *r->mutable_settings() = w->monitoring_settings;
          *r->mutable_settings()->mutable_effective_from() = D(2027, 1, 1);
          r->set_reason("the new year's policy");
        });
    s["/dp.v1.MonitoringService/PreviewMonitoringSettings"] =
        SeedOf<v1::PreviewMonitoringSettingsRequest>(
            [](auto* r) { *r->mutable_settings() = w->monitoring_settings; });
    s["/dp.v1.MonitoringService/Sweep"] = SeedOf<v1::SweepRequest>([](auto* r) {
      r->set_authority_id(kAuthority);
      r->set_max_agreements(10);
    });
    s["/dp.v1.MonitoringService/AddCaseNote"] = SeedOf<v1::AddCaseNoteRequest>([](auto* r) {
      r->set_case_id(w->review_case);
      r->set_note("Spoke with Morag about her account");
    });
    s["/dp.v1.MonitoringService/DecideCase"] = SeedOf<v1::DecideCaseRequest>([](auto* r) {
      r->set_case_id(w->review_case);
      r->set_decision(v1::CASE_DECISION_REQUEST_INFORMATION);
      r->set_reason("We need to see the PA's timesheets for May");
    });
    s["/dp.v1.PayrollService/RecordTaxCodeNotice"] =
        SeedOf<v1::RecordTaxCodeNoticeRequest>([](auto* r) {
          r->set_employee_id(w->employee);
          r->set_kind("P6");
          r->set_tax_code("S1100L");
          *r->mutable_effective_date() = D(2026, 7, 1);
        });
    s["/dp.v1.PayrollService/RecordStarter"] = SeedOf<v1::RecordStarterRequest>([](auto* r) {
      r->set_employee_id(w->leaver);
      r->set_declaration("A");
    });
    s["/dp.v1.PayrollService/RecordStudentLoan"] =
        SeedOf<v1::RecordStudentLoanRequest>([](auto* r) {
          r->set_employee_id(w->employee);
          r->set_plan(v1::STUDENT_LOAN_PLAN_POSTGRADUATE);
          r->set_notice("PGL1");
          *r->mutable_effective_date() = D(2026, 5, 1);
        });
    s["/dp.v1.PayrollService/RecordFamilyLeave"] =
        SeedOf<v1::RecordFamilyLeaveRequest>([](auto* r) {
          r->set_employee_id(w->employee);
          r->set_kind(v1::FAMILY_LEAVE_KIND_MATERNITY);
          *r->mutable_due_date() = D(2027, 1, 20);
          *r->mutable_pay_start() = D(2026, 12, 27);
          r->set_weeks(39);
          r->set_evidence_received(true);
          r->set_average_weekly_earnings_pence(50000);
        });
    s["/dp.v1.PayrollService/RecordPensionOptOut"] =
        SeedOf<v1::RecordPensionOptOutRequest>([](auto* r) {
          r->set_employee_id(w->employee);
          *r->mutable_opted_out_on() = D(2026, 5, 1);
        });
    // Payments out.
    s["/dp.v1.PaymentService/AddPayee"] = SeedOf<v1::AddPayeeRequest>([](auto* r) {
      r->set_agreement_id(w->active);
      r->set_kind(v1::PAYEE_KIND_PENSION);
      r->set_name("NEST");
      r->set_account_name("NEST PENSIONS");
      r->set_sort_code("40-12-34");
      r->set_account_number("12345678");
      r->set_reference("EMPLOYER 123");
      r->set_reason("the PA's pension scheme");
    });
    s["/dp.v1.PaymentService/ApprovePayee"] = SeedOf<v1::ApprovePayeeRequest>([](auto* r) {
      r->set_payee_id(w->payee_pending);
      r->set_reason("confirmed with Morag");
    });
    s["/dp.v1.PaymentService/SubmitInvoice"] = SeedOf<v1::SubmitInvoiceRequest>([](auto* r) {
      r->set_agreement_id(w->active);
      r->set_payee_id(w->pa_payee);
      r->set_number("MILEAGE-" + std::to_string(w->n++));
      r->set_centi_hours(150);
      *r->mutable_rate() = Gbp(14'00);
      *r->mutable_period_start() = D(2026, 11, 2);
      *r->mutable_period_end() = D(2026, 11, 29);
      *r->mutable_due_date() = D(2027, 1, 4);
      r->set_description("training hours");
    });
    s["/dp.v1.PaymentService/ApproveInvoice"] = SeedOf<v1::ApproveInvoiceRequest>([](auto* r) {
      r->set_invoice_id(w->invoice);
      r->set_reason("receipts seen");
    });
    s["/dp.v1.PaymentService/CreateStandingOrder"] =
        SeedOf<v1::CreateStandingOrderRequest>([](auto* r) {
          r->set_agreement_id(w->active);
          r->set_payee_id(w->payee);
          *r->mutable_amount() = Gbp(1'00);
          r->set_frequency(v1::ORDER_FREQUENCY_WEEKLY);
          *r->mutable_first_date() = D(2027, 1, 4);
          *r->mutable_end_date() = D(2027, 2, 1);
          r->set_reference("WEEKLY");
        });
    s["/dp.v1.PaymentService/CancelStandingOrder"] =
        SeedOf<v1::CancelArrangementRequest>([](auto* r) {
          r->set_id(w->standing_order);
          r->set_reason("no longer needed");
        });
    s["/dp.v1.PaymentService/CreateMandate"] = SeedOf<v1::CreateMandateRequest>([](auto* r) {
      r->set_agreement_id(w->active);
      r->set_payee_id(w->payee);
      r->set_reference("BI-DD-" + std::to_string(w->n++));
    });
    s["/dp.v1.PaymentService/CancelMandate"] = SeedOf<v1::CancelArrangementRequest>([](auto* r) {
      r->set_id(w->mandate);
      r->set_reason("the supplier closed");
    });
    s["/dp.v1.PaymentService/SchedulePayment"] = SeedOf<v1::SchedulePaymentRequest>([](auto* r) {
      r->set_agreement_id(w->active);
      r->set_payee_id(w->payee);
      *r->mutable_amount() = Gbp(1'00);
      *r->mutable_due_date() = D(2027, 1, 4);
      r->set_reference("ONE OFF");
    });
    s["/dp.v1.PaymentService/RunPayments"] = SeedOf<v1::RunPaymentsRequest>([](auto* r) {
      r->set_authority_id(kAuthority);
      *r->mutable_run_date() = D(2026, 12, 1);
      r->set_include_payroll(true);
    });
    s["/dp.v1.PaymentService/SettlePaymentsRun"] =
        SeedOf<v1::SettlePaymentsRunRequest>([](auto* r) { r->set_run_id(w->payments_run); });
    s["/dp.v1.PaymentService/ImportCollections"] = SeedOf<v1::ImportBankFileRequest>([](auto* r) {
      r->set_authority_id(kAuthority);
      r->set_file_name("bi-collections.csv");
      r->set_content("date,reference,originator,amount\n2026-12-01,BI-" + std::to_string(w->n++) +
                     ",GYM,9.99\n");
    });
    s["/dp.v1.PaymentService/ImportReturns"] = SeedOf<v1::ImportBankFileRequest>([](auto* r) {
      r->set_authority_id(kAuthority);
      r->set_file_name("bi-returns.csv");
      r->set_content("original_date,reference,amount,return_code,reason\n2026-12-01,BI-" +
                     std::to_string(w->n++) + ",9.99,0,REFER TO PAYER\n");
    });
    s["/dp.v1.PaymentService/ListArrangements"] =
        SeedOf<v1::ListArrangementsRequest>([](auto* r) { r->set_agreement_id(w->active); });
    s["/dp.v1.PaymentService/GetPaymentsRun"] =
        SeedOf<v1::GetPaymentsRunRequest>([](auto* r) { r->set_run_id(w->payments_run); });
    s["/dp.v1.PaymentService/ListOutgoingPayments"] =
        SeedOf<v1::ListOutgoingPaymentsRequest>([](auto* r) { r->set_agreement_id(w->active); });
    s["/dp.v1.PaymentService/GetAvailableToSpend"] =
        SeedOf<v1::GetAvailableToSpendRequest>([](auto* r) { r->set_agreement_id(w->active); });
    s["/dp.v1.MonitoringService/ImportBankStatement"] =
        SeedOf<v1::ImportBankStatementRequest>([](auto* r) {
          r->set_agreement_id(w->active);
          r->set_file_name("bi-statement.csv");
          r->set_header("date,description,amount");
          r->set_first_line(2);
          r->add_lines("2026-05-10,TESCO " + std::to_string(w->n++) + ",-12.50");
        });
    s["/dp.v1.MonitoringService/GetAuditorReport"] = SeedOf<v1::GetAuditorReportRequest>([](auto* r) {
      r->set_authority_id(kAuthority);
      *r->mutable_period_start() = D(2026, 4, 1);
      *r->mutable_period_end() = D(2027, 3, 31);
    });
    s["/dp.v1.MonitoringService/GetAgreementMonitoring"] =
        SeedOf<v1::GetAgreementMonitoringRequest>([](auto* r) { r->set_agreement_id(w->active); });
    s["/dp.v1.MonitoringService/GetCase"] =
        SeedOf<v1::GetCaseRequest>([](auto* r) { r->set_case_id(w->review_case); });
    s["/dp.v1.MonitoringService/ListCases"] =
        SeedOf<v1::ListCasesRequest>([](auto* r) { r->set_authority_id(kAuthority); });
    s["/dp.v1.MonitoringService/ListFindings"] =
        SeedOf<v1::ListFindingsRequest>([](auto* r) { r->set_authority_id(kAuthority); });
    // Identity and the audit trail.
    s["/dp.v1.AdminService/CreateOrganisation"] =
        SeedOf<v1::CreateOrganisationRequest>([](auto* r) {
          r->set_id("BI-ORG-" + std::to_string(w->n++));
          r->set_kind("iso");
          r->set_name("Another bureau");
        });
    s["/dp.v1.AdminService/CreatePrincipal"] = SeedOf<v1::CreatePrincipalRequest>([](auto* r) {
      r->set_name("p" + std::to_string(w->n++) + "@bi");
      r->set_organisation_id(kIso);
      r->set_role("iso");
    });
    s["/dp.v1.AdminService/SetPrincipalDisabled"] =
        SeedOf<v1::SetPrincipalDisabledRequest>([](auto* r) {
          r->set_name("victim@bi");
          r->set_disabled(true);
          r->set_reason("left the council");
        });
    for (const char* method : {"/dp.v1.AdminService/Grant", "/dp.v1.AdminService/Revoke"}) {
      const bool grant = std::string(method).find("Grant") != std::string::npos;
      auto fill = [](v1::ScopeGrant* g) {
        g->set_organisation_id(kIso);
        g->set_scope_type("agreement");
        g->set_scope_id(std::to_string(w->active));
      };
      s[method] = grant ? SeedOf<v1::GrantRequest>([fill](auto* r) { fill(r->mutable_grant()); })
                        : SeedOf<v1::RevokeRequest>([fill](auto* r) { fill(r->mutable_grant()); });
    }
    s["/dp.v1.AdminService/RotateKeys"] = SeedOf<v1::RotateKeysRequest>([](auto*) {});
    s["/dp.v1.AdminService/InvitePerson"] = SeedOf<v1::InvitePersonRequest>([](auto* r) {
      r->set_agreement_id(w->active);
      r->set_name("person" + std::to_string(w->n++) + "@bi");
    });
    s["/dp.v1.AdminService/InviteStaff"] =
        SeedOf<v1::InviteStaffRequest>([](auto* r) { r->set_name("victim@bi"); });
    s["/dp.v1.AdminService/ListPrincipals"] =
        SeedOf<v1::ListPrincipalsRequest>([](auto* r) { r->set_organisation_id(kAuthority); });
    s["/dp.v1.AdminService/ListGrants"] =
        SeedOf<v1::ListGrantsRequest>([](auto* r) { r->set_organisation_id(kIso); });
  }

  // Rows counts every table of the services' schemas.
  static std::map<std::string, int64_t> Rows() {
    std::map<std::string, int64_t> rows;
    pqxx::read_transaction tx(*w->db);
    for (const auto& row : tx.exec(w->counts_sql)) {
      rows[row[0].as<std::string>()] = row[1].as<int64_t>();
    }
    return rows;
  }

  static int64_t RequestsLogged(const std::string& request_id) {
    pqxx::read_transaction tx(*w->db);
    int64_t n = 0;
    for (const char* log : {"ledger.requests", "iam.requests", "agreements.requests",
                            "payroll.requests", "cards.requests", "monitoring.requests",
                            "payments.requests"}) {
      n += tx.exec_params1(std::string("SELECT count(*) FROM ") + log +
                               " WHERE request_id = $1 OR request_id LIKE '%|' || $1",
                           request_id)[0]
               .as<int64_t>();
    }
    return n;
  }

  // Probe calls `method` once per mutation of its seed and checks each
  // answer. Returns how many calls it made.
  static int Probe(const MethodDescriptor& method, bool writes) {
    const std::string path = "/" + method.service()->full_name() + "/" + method.name();
    const iam::MethodPolicy* policy = iam::FindPolicy(path);
    if (policy == nullptr) {
      ADD_FAILURE() << path << " has no policy";
      return 0;
    }
    std::map<std::string, std::shared_ptr<grpc::Channel>>* as = nullptr;
    for (auto [role, channels] : {std::pair{iam::Role::kFinanceOfficer, &w->officer},
                                  std::pair{iam::Role::kAdmin, &w->admin},
                                  std::pair{iam::Role::kProcessor, &w->processor}}) {
      if (as == nullptr && iam::Allows(*policy, role)) as = channels;
    }
    if (as == nullptr) {
      ADD_FAILURE() << path << ": no principal of this suite may call it; add its role here";
      return 0;
    }
    auto& channels = *as;
    auto channel = channels.find(method.service()->full_name());
    if (channel == channels.end()) {
      ADD_FAILURE() << method.service()->full_name() << " is not started by this suite: add it";
      return 0;
    }
    auto seed_it = w->seeds.find(path);
    if (writes && seed_it == w->seeds.end()) {
      ADD_FAILURE() << path << " is a write with no seed: add a valid request to DefineSeeds";
      return 0;
    }
    const Seed seed = seed_it != w->seeds.end() ? seed_it->second : [&method] {
      return std::unique_ptr<Message>(
          google::protobuf::MessageFactory::generated_factory()->GetPrototype(method.input_type())->New());
    };
    // The idempotency key: a client's request_id, or the processor's id.
    const FieldDescriptor* request_id = method.input_type()->FindFieldByName("request_id");
    if (request_id == nullptr) request_id = method.input_type()->FindFieldByName("processor_id");
    std::map<std::string, int64_t> rows = Rows();
    int calls = 0;
    for (const Mutation& mutation : Walker().Walk(*seed())) {
      std::unique_ptr<Message> request = seed();
      std::string id;
      if (request_id != nullptr) {
        id = w->Id() + "-probe";
        request->GetReflection()->SetString(request.get(), request_id, id);
      }
      Apply(mutation, request.get());
      const grpc::Status answer = CallRaw(channel->second, path, *request, method.server_streaming());
      ++calls;
      const std::string where = path + " with " + mutation.field + " = " + mutation.what;
      const Refusal refusal = RefusalOf(answer);
      EXPECT_FALSE(Unactionable(answer.error_code()))
          << where << ": " << answer.error_code() << " " << answer.error_message().substr(0, 300);
      EXPECT_LT(answer.error_message().size(), kMaxMessageBytes) << where;
      if (answer.error_code() == grpc::StatusCode::INVALID_ARGUMENT) {
        EXPECT_FALSE(refusal.field.empty())
            << where << ": INVALID_ARGUMENT names no field: " << answer.error_message();
      }
      const bool refuse = mutation.expect == Expect::kRefusedNamingField ||
                          (writes && mutation.expect == Expect::kRefused);
      if (refuse) {
        EXPECT_FALSE(answer.ok()) << where << " was accepted";
      }
      if (mutation.expect == Expect::kRefusedNamingField && !answer.ok()) {
        EXPECT_EQ(answer.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
            << where << ": " << answer.error_message();
        EXPECT_TRUE(NamesTheField(refusal.field, mutation.field))
            << where << ": names \"" << refusal.field << "\": " << answer.error_message();
      }
      std::map<std::string, int64_t> after = Rows();
      if (!answer.ok() || !writes) {
        for (const auto& [table, n] : after) {
          EXPECT_EQ(n, rows[table]) << where << " (" << answer.error_code()
                                    << ") changed the rows of " << table;
        }
        if (!id.empty()) {
          EXPECT_EQ(RequestsLogged(id), 0) << where << " logged its request id";
        }
      }
      rows = std::move(after);
    }
    return calls;
  }
};

// The files whose services the suite walks; a new service file is added here
// and its process to SetUpTestSuite.
const char* const kProtoFiles[] = {"dp/v1/ledger.proto", "dp/v1/agreements.proto",
                                   "dp/v1/payroll.proto", "dp/v1/admin.proto",
                                   "dp/v1/cards.proto", "dp/v1/monitoring.proto",
                                   "dp/v1/payments.proto"};

// A generated file registers its descriptors only if something links it
// in; nothing else here names the card, monitoring and payments files.
const void* volatile kLinkedFiles[] = {&descriptor_table_dp_2fv1_2fcards_2eproto,
                                       &descriptor_table_dp_2fv1_2fmonitoring_2eproto,
                                       &descriptor_table_dp_2fv1_2fpayments_2eproto};

template <typename Fn>
void ForEachMethod(Fn fn) {
  ASSERT_NE(kLinkedFiles[0], nullptr);
  ASSERT_NE(kLinkedFiles[1], nullptr);
  ASSERT_NE(kLinkedFiles[2], nullptr);
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  for (const char* name : kProtoFiles) {
    const auto* file = pool->FindFileByName(name);
    ASSERT_NE(file, nullptr) << name;
    for (int s = 0; s < file->service_count(); ++s) {
      for (int m = 0; m < file->service(s)->method_count(); ++m) {
        const MethodDescriptor* method = file->service(s)->method(m);
        if (method->input_type()->field_count() == 0) continue;  // nothing to get wrong
        const iam::MethodPolicy* policy = iam::FindPolicy(
            "/" + method->service()->full_name() + "/" + method->name());
        fn(*method, policy != nullptr && policy->writes);
      }
    }
  }
}

// Protobuf logs each invalid UTF-8 string this test serialises on purpose.
void Quiet(google::protobuf::LogLevel, const char*, int, const std::string&) {}

TEST_F(BadInputTest, EveryWriteRefusesWhatNoFieldMayHoldNamingItAndWritesNothing) {
  google::protobuf::SetLogHandler(&Quiet);
  int calls = 0, methods = 0;
  ForEachMethod([&](const MethodDescriptor& method, bool writes) {
    if (!writes) return;
    ++methods;
    calls += Probe(method, true);
  });
  google::protobuf::SetLogHandler(nullptr);
  EXPECT_GE(methods, 60) << "every write RPC of the ledger, agreements, payroll, cards, monitoring, payments and admin";
  std::cout << "probed " << methods << " write RPCs with " << calls << " bad requests\n";
}

TEST_F(BadInputTest, EveryReadAnswersBadInputByFieldNeverInternal) {
  google::protobuf::SetLogHandler(&Quiet);
  int calls = 0, methods = 0;
  ForEachMethod([&](const MethodDescriptor& method, bool writes) {
    if (writes) return;
    ++methods;
    calls += Probe(method, false);
  });
  google::protobuf::SetLogHandler(nullptr);
  EXPECT_GE(methods, 27) << "every read RPC that takes input";
  std::cout << "probed " << methods << " read RPCs with " << calls << " bad requests\n";
}

// One careless client's largest agreements cannot make the list unreadable
// for everyone: a page stops at 1 MiB (well under gRPC's 4 MiB), and the
// pages together still give every agreement once.
TEST_F(BadInputTest, AListOfTheLargestAgreementsPagesByBytes) {
  auto agreements = v1::AgreementService::NewStub(w->officer["dp.v1.AgreementService"]);
  for (int i = 0; i < 100; ++i) {
    v1::CreateAgreementRequest req;
    req.set_request_id(w->Id());
    req.set_authority_id(kAuthority);
    req.set_person_id(w->person);
    req.mutable_manager()->set_kind(v1::MANAGER_KIND_SELF);
    *req.mutable_terms() = TermsOf(1400'00, D(2026, 4, 20));
    req.mutable_terms()->clear_personal_outcomes();
    for (int j = 0; j < 20; ++j) {
      req.mutable_terms()->add_personal_outcomes(std::string(500, 'a' + j));
      req.mutable_terms()->add_excluded_uses(std::string(200, 'a' + j));
    }
    v1::Agreement out;
    MustSucceed("a large agreement", [&](auto* c) { return agreements->CreateAgreement(c, req, &out); });
  }
  v1::ListAgreementsRequest req;
  req.set_authority_id(kAuthority);
  req.set_page_size(500);
  std::set<int64_t> seen;
  int pages = 0;
  for (; pages < 20; ++pages) {
    v1::ListAgreementsResponse page;
    auto ctx = Ctx();
    const grpc::Status s = agreements->ListAgreements(ctx.get(), req, &page);
    ASSERT_TRUE(s.ok()) << s.error_message();
    EXPECT_LE(page.ByteSizeLong(), (1u << 20) + 20'000u) << "1 MiB and at most one agreement more";
    for (const auto& a : page.agreements()) {
      EXPECT_TRUE(seen.insert(a.agreement_id()).second) << "agreement " << a.agreement_id() << " twice";
    }
    if (page.next_page_token().empty()) break;
    req.set_page_token(page.next_page_token());
  }
  EXPECT_GE(pages, 1) << "more than one page";
  pqxx::read_transaction tx(*w->db);
  EXPECT_EQ(static_cast<int64_t>(seen.size()),
            tx.exec1("SELECT count(*) FROM agreements.agreements WHERE authority_id = 'BI-FIFE'")[0]
                .as<int64_t>());
}

}  // namespace
}  // namespace dp::testing

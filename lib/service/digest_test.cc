#include "service/digest.h"

#include <gtest/gtest.h>

#include "dp/v1/ledger.pb.h"

namespace dp::service {
namespace {

v1::CreateTransactionRequest Rent() {
  v1::CreateTransactionRequest r;
  r.set_request_id("rent-2026-05");
  r.set_kind("manual_journal");
  r.set_description("rent");
  for (auto [account, side] : {std::pair{7, v1::SIDE_DEBIT}, std::pair{9, v1::SIDE_CREDIT}}) {
    v1::Posting* p = r.add_postings();
    p->set_account_id(account);
    p->set_side(side);
    p->mutable_amount()->set_amount_pence(1250);
    p->mutable_amount()->set_currency("GBP");
  }
  return r;
}

TEST(CanonicalEncoding, IsTheDocumentedForm) {
  v1::Money m;
  m.set_amount_pence(1250);
  m.set_currency("GBP");
  EXPECT_EQ(CanonicalEncoding(m), "1=1250;2=3:GBP;");
  EXPECT_EQ(CanonicalEncoding(Rent(), /*skip_request_id=*/true),
            "2=14:manual_journal;3=4:rent;"
            "4=[{1=7;2=1;3={1=1250;2=3:GBP;};},{1=9;2=2;3={1=1250;2=3:GBP;};},];");
}

TEST(CanonicalEncoding, LengthPrefixesKeepStringsApart) {
  v1::CreateTransactionRequest a, b;
  a.set_kind("ab");
  a.set_description("c");
  b.set_kind("a");
  b.set_description("bc");
  EXPECT_NE(CanonicalEncoding(a), CanonicalEncoding(b));
}

// The digest an auditor recomputes by hand, as docs/AUDIT.md shows:
//   printf '%s' "/dp.v1.LedgerService/CreateTransaction
//   2=14:manual_journal;3=4:rent;4=[...];" | sha256sum
TEST(RequestDigest, MatchesTheHandComputedValue) {
  EXPECT_EQ(RequestDigest(Rent(), "/dp.v1.LedgerService/CreateTransaction"),
            "f08f18529d91239b6b5f3fe8e3e9eeaec6056f19d9753b27e6d66c7c3b8abe5c");
}

TEST(RequestDigest, IgnoresTheRequestIdButNotTheContent) {
  auto a = Rent();
  auto b = Rent();
  b.set_request_id("another");
  EXPECT_EQ(RequestDigest(a, "op"), RequestDigest(b, "op"));
  b.mutable_postings(0)->mutable_amount()->set_amount_pence(1251);
  EXPECT_NE(RequestDigest(a, "op"), RequestDigest(b, "op"));
  EXPECT_NE(RequestDigest(a, "op"), RequestDigest(a, "other op"));
}

}  // namespace
}  // namespace dp::service

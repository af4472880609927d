#include "db/errors.h"
#include "db/page_token.h"

#include <pqxx/pqxx>

#include "base/refusal.h"
#include "db/sql.h"
#include "gtest/gtest.h"

namespace dp::db {
namespace {

TEST(PageToken, RoundTripsWithinTheSameQuery) {
  const std::string token = EncodePageToken("accounts|authority|A1", 42);
  EXPECT_EQ(*DecodePageToken(token, "accounts|authority|A1"), 42);
  EXPECT_EQ(*DecodePageToken("", "anything"), 0);
}

TEST(PageToken, RefusesTokensOfOtherQueriesAndGarbage) {
  const std::string token = EncodePageToken("accounts|authority|A1", 42);
  EXPECT_EQ(DecodePageToken(token, "accounts|authority|A2").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(DecodePageToken("not-base64!!", "q").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(DecodePageToken(EncodePageToken("q", 0), "q").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(DecodePageToken(token, "x").status().message()).find("page_token"),
            std::string::npos);
}

TEST(PageToken, KeyTokensRoundTripAndRefuseOtherQueriesAndShapes) {
  const std::string token = EncodeKeyPageToken("grants|ISO-1", {"ISO-1", "agreement", "12"});
  EXPECT_EQ(*DecodeKeyPageToken(token, "grants|ISO-1", 3),
            (std::vector<std::string>{"ISO-1", "agreement", "12"}));
  EXPECT_TRUE(DecodeKeyPageToken("", "grants|ISO-1", 3)->empty());
  EXPECT_EQ(FieldOf(DecodeKeyPageToken(token, "grants|ISO-2", 3).status()), "page_token");
  EXPECT_FALSE(DecodeKeyPageToken(token, "grants|ISO-1", 2).ok());
  EXPECT_FALSE(DecodeKeyPageToken(token, "grants|ISO-1", 4).ok());
  // A number token is not a key token, nor the other way round.
  EXPECT_FALSE(DecodeKeyPageToken(EncodePageToken("q", 7), "q", 1).ok());
  EXPECT_FALSE(DecodePageToken(EncodeKeyPageToken("q", {"7"}), "q").ok());
  // An empty part is kept (a grant of the empty organisation filter).
  EXPECT_EQ(*DecodeKeyPageToken(EncodeKeyPageToken("q", {"", "b"}), "q", 2),
            (std::vector<std::string>{"", "b"}));
}

TEST(PageFill, StopsAtTheRowsOrTheBytesButAlwaysTakesOneRow) {
  PageFill rows(2, 1000);
  EXPECT_TRUE(rows.Room(10));
  EXPECT_TRUE(rows.Room(10));
  EXPECT_FALSE(rows.Room(10));
  PageFill bytes(100, 1000);
  EXPECT_TRUE(bytes.Room(600));
  EXPECT_FALSE(bytes.Room(600));  // would pass 1000 bytes
  EXPECT_TRUE(bytes.Room(400));   // exactly 1000 fits
  EXPECT_FALSE(bytes.Room(1));
  PageFill huge(100, 1000);
  EXPECT_TRUE(huge.Room(5000));  // the first row always goes, or a list could never move on
  EXPECT_FALSE(huge.Room(1));
}

TEST(ClampPageSize, AppliesDefaultsAndCeiling) {
  EXPECT_EQ(*ClampPageSize(0, 50, 500), 50);
  EXPECT_EQ(*ClampPageSize(10, 50, 500), 10);
  EXPECT_EQ(*ClampPageSize(9999, 50, 500), 500);
  EXPECT_EQ(FieldOf(ClampPageSize(-1, 50, 500).status()), "page_size");
}

TEST(ArrayLiterals, QuoteAndParse) {
  EXPECT_EQ(IntArrayLiteral({1, 2, 3}), "{1,2,3}");
  EXPECT_EQ(IntArrayLiteral({}), "{}");
  EXPECT_EQ(TextArrayLiteral({"a", "b\"c", "d\\e"}), "{\"a\",\"b\\\"c\",\"d\\\\e\"}");
  EXPECT_EQ(ParseIntArray("{5,-6,7}"), (std::vector<int64_t>{5, -6, 7}));
  EXPECT_TRUE(ParseIntArray("{}").empty());
}

TEST(SqlCall, PutsEachArgumentInTheCallSeparated) {
  EXPECT_EQ(SqlCall("EXECUTE dp_x", 7, "'a''b'", int64_t{-3}), "EXECUTE dp_x(7, 'a''b', -3)");
  EXPECT_EQ(SqlCall("EXECUTE dp_x", "'{1,2}'"), "EXECUTE dp_x('{1,2}')");
  EXPECT_EQ(SqlCall("EXECUTE dp_x"), "EXECUTE dp_x()");
}

}  // namespace
}  // namespace dp::db

namespace dp::db {
namespace {

// The database's own words (constraint names, SQL) never reach a client.
TEST(StatusFromException, KeepsTheDatabasesTextInTheLog) {
  const pqxx::check_violation e(
      "ERROR:  new row for relation \"balances\" violates check constraint "
      "\"credits_within_debits\"\nDETAIL:  Failing row contains (12, 0, 500).",
      "UPDATE ledger.balances ...", "23514");
  const absl::Status s = StatusFromException(e);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(std::string(s.message()), "refused by a rule of the database; nothing was written");
  EXPECT_EQ(ReasonOf(s), "DATABASE_RULE");
  EXPECT_EQ(MetadataOf(s), (std::vector<std::pair<std::string, std::string>>{{"sqlstate", "23514"}}));
}

// A rule about one column is told as that field's refusal, naming the
// column and nothing else of the database's text.
TEST(StatusFromException, ARuleAboutOneColumnNamesItsField) {
  const pqxx::check_violation check(
      "ERROR:  new row for relation \"persons\" violates check constraint "
      "\"persons_display_name_check\"\nDETAIL:  Failing row contains (7, FIFE, Morag).",
      "INSERT ...", "23514");
  absl::Status s = StatusFromException(check);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldOf(s), "display_name");
  EXPECT_EQ(ReasonOf(s), "DATABASE_RULE");
  EXPECT_EQ(std::string(s.message()),
            "display_name is outside what the books allow; nothing was written");
  const pqxx::not_null_violation null(
      "ERROR:  null value in column \"reason\" of relation \"decisions\" violates not-null "
      "constraint\nDETAIL:  Failing row contains (...).", "", "23502");
  EXPECT_EQ(FieldOf(StatusFromException(null)), "reason");
  const pqxx::foreign_key_violation key(
      "ERROR:  insert or update on table \"employers\" violates foreign key constraint "
      "\"employers_agreement_id_fkey\"\nDETAIL:  Key (agreement_id)=(99) is not present in "
      "table \"agreements\".", "", "23503");
  s = StatusFromException(key);
  EXPECT_EQ(FieldOf(s), "agreement_id");
  EXPECT_EQ(std::string(s.message()).find("99"), std::string::npos) << "no value is quoted";
  EXPECT_EQ(std::string(s.message()).find("fkey"), std::string::npos) << "nor the rule's name";
}

}  // namespace
}  // namespace dp::db

// The console's sign-in pieces against their standards' own vectors, and
// its HTML escaping.
#include <gtest/gtest.h>

#include "absl/strings/escaping.h"
#include "console/pages/chart.h"
#include "console/pages/html.h"
#include "console/signin/password.h"
#include "console/signin/totp.h"

namespace dp::console {
namespace {

std::string Hex(const std::string& bytes) { return absl::BytesToHexString(bytes); }

// RFC 7914 section 12, the second and third vectors.
TEST(Scrypt, MatchesRfc7914Vectors) {
  EXPECT_EQ(Hex(Scrypt("password", "NaCl", 1024, 8, 16, 64)),
            "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162"
            "2eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640");
  EXPECT_EQ(Hex(Scrypt("pleaseletmein", "SodiumChloride", 16384, 8, 1, 64)),
            "7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2"
            "d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887");
}

TEST(Password, VerifiesItsOwnHashOnly) {
  const std::string stored = HashPassword("correct horse battery");
  EXPECT_EQ(stored.rfind("scrypt$32768$8$1$", 0), 0u) << stored;
  EXPECT_TRUE(VerifyPassword("correct horse battery", stored));
  EXPECT_FALSE(VerifyPassword("correct horse batterY", stored));
  EXPECT_NE(HashPassword("correct horse battery"), stored);  // a fresh salt each time
}

TEST(Password, MalformedOrCostlyStoredTextNeverMatches) {
  EXPECT_FALSE(VerifyPassword("x", ""));
  EXPECT_FALSE(VerifyPassword("x", "bcrypt$1$2$3$AA==$AA=="));
  EXPECT_FALSE(VerifyPassword("x", "scrypt$3$8$1$AAAA$AAAA"));        // N not a power of 2
  EXPECT_FALSE(VerifyPassword("x", "scrypt$4194304$8$1$AAAA$AAAA"));  // N beyond the bound
  EXPECT_FALSE(VerifyPassword("x", "scrypt$1024$8$1$!!!$AAAA"));      // not base64
}

TEST(Password, NewPasswordsNeedTwelveCharacters) {
  EXPECT_EQ(CheckNewPassword("short pass1").message(),
            "Choose a password of at least 12 characters.");
  EXPECT_TRUE(CheckNewPassword("long enough words").ok());
  EXPECT_FALSE(CheckNewPassword(std::string(201, 'a')).ok());
}

// RFC 4226 appendix D: the secret "12345678901234567890", counters 0..9.
TEST(Totp, HotpMatchesRfc4226Vectors) {
  const char* want[] = {"755224", "287082", "359152", "969429", "338314",
                        "254676", "287922", "162583", "399871", "520489"};
  for (int i = 0; i < 10; ++i) EXPECT_EQ(Hotp("12345678901234567890", i), want[i]) << i;
}

// RFC 6238 appendix B, SHA-1, 8 digits.
TEST(Totp, TotpMatchesRfc6238Vectors) {
  const std::string secret = "12345678901234567890";
  EXPECT_EQ(TotpAt(secret, 59, 8), "94287082");
  EXPECT_EQ(TotpAt(secret, 1111111109, 8), "07081804");
  EXPECT_EQ(TotpAt(secret, 1111111111, 8), "14050471");
  EXPECT_EQ(TotpAt(secret, 1234567890, 8), "89005924");
  EXPECT_EQ(TotpAt(secret, 2000000000, 8), "69279037");
  EXPECT_EQ(TotpAt(secret, 20000000000, 8), "65353130");
}

TEST(Totp, AcceptsOneStepEitherSideAndNoMore) {
  const std::string secret = "12345678901234567890";
  const int64_t now = 1111111111;
  EXPECT_EQ(TotpStep(secret, TotpAt(secret, now), now), now / 30);
  EXPECT_EQ(TotpStep(secret, TotpAt(secret, now - 30), now), now / 30 - 1);
  EXPECT_EQ(TotpStep(secret, TotpAt(secret, now + 30), now), now / 30 + 1);
  EXPECT_FALSE(TotpStep(secret, TotpAt(secret, now - 90), now).has_value());
  EXPECT_FALSE(TotpStep(secret, "12345", now).has_value());
  EXPECT_FALSE(TotpStep(secret, "", now).has_value());
}

// RFC 4648 section 10.
TEST(Totp, Base32RoundTripsRfc4648Vectors) {
  EXPECT_EQ(Base32("foobar"), "MZXW6YTBOI");
  EXPECT_EQ(Base32("f"), "MY");
  EXPECT_EQ(DecodeBase32("mzxw 6ytb oi"), "foobar");
  EXPECT_FALSE(DecodeBase32("MZ1W").has_value());  // 1 is not base32
  const std::string secret = NewTotpSecret();
  EXPECT_EQ(secret.size(), 20u);
  EXPECT_EQ(DecodeBase32(Base32(secret)), secret);
}

TEST(Totp, OtpauthUriNamesIssuerAndAccount) {
  EXPECT_EQ(OtpauthUri("Direct Payments", "officer@fife", "foobar"),
            "otpauth://totp/Direct%20Payments:officer@fife?secret=MZXW6YTBOI&issuer=Direct%20"
            "Payments&algorithm=SHA1&digits=6&period=30");
}

TEST(Html, EscapesEveryMarkupCharacter) {
  EXPECT_EQ(Escape("<b>Tom & \"Jerry's\"</b>"),
            "&lt;b&gt;Tom &amp; &quot;Jerry&#39;s&quot;&lt;/b&gt;");
  EXPECT_EQ(Link("/a?x=\"1\"", "<x>"), "<a href=\"/a?x=&quot;1&quot;\">&lt;x&gt;</a>");
  const std::string page = Page("<script>", {}, "");
  EXPECT_EQ(page.find("<script>"), std::string::npos);
  EXPECT_NE(page.find("<h1>&lt;script&gt;</h1>"), std::string::npos);
}

TEST(Html, PoundsForPeople) {
  EXPECT_EQ(Pounds(0),
            "\xC2\xA3"
            "0.00");
  EXPECT_EQ(Pounds(123456),
            "\xC2\xA3"
            "1,234.56");
  EXPECT_EQ(Pounds(100000000),
            "\xC2\xA3"
            "1,000,000.00");
  EXPECT_EQ(Pounds(-5),
            "\xE2\x88\x92\xC2\xA3"
            "0.05");
}

TEST(Html, CountsForPeople) {
  EXPECT_EQ(Count(0), "0");
  EXPECT_EQ(Count(999), "999");
  EXPECT_EQ(Count(1000), "1,000");
  EXPECT_EQ(Count(1234567), "1,234,567");
  EXPECT_EQ(Count(-1234), "\xE2\x88\x92" "1,234");
}

TEST(Html, PageInTwoPartsIsThePage) {
  const Viewer viewer{"officer@fife", "Finance officer", "tok", {}};
  EXPECT_EQ(PageStart("Run", viewer) + "<p>x</p>" + PageEnd(), Page("Run", viewer, "<p>x</p>"));
}

TEST(Html, PoundsAsPeopleTypeThem) {
  EXPECT_EQ(ParsePounds("250"), 25000);
  EXPECT_EQ(ParsePounds("250.5"), 25050);
  EXPECT_EQ(ParsePounds("\xC2\xA3"
                        "1,250.07"),
            125007);
  EXPECT_EQ(ParsePounds("0.01"), 1);
  for (const char* bad : {"", "0", "1.234", "12a", "-5", "1.2.3", "100000000.01", "."}) {
    EXPECT_FALSE(ParsePounds(bad).has_value()) << bad;
  }
}

TEST(Chart, BalanceIsAStepLineAgainstTheThresholdWithWords) {
  const int64_t t0 = 1'790'000'000;
  const std::string svg = BalanceChart("Balance", {{t0, 0}, {t0 + 86400, 100000}}, 50000);
  EXPECT_NE(svg.find("<path d=\"M90 220 L700 220 L700 20\""), std::string::npos) << svg;
  EXPECT_NE(svg.find("y1=\"120\" x2=\"700\" y2=\"120\" stroke=\"#b10e1e\""), std::string::npos)
      << svg;
  EXPECT_NE(svg.find("it went from \xC2\xA3"
                     "0.00 to \xC2\xA3"
                     "1,000.00, at most \xC2\xA3"
                     "1,000.00. The 8-week threshold is \xC2\xA3"
                     "500.00; 1 of 2 movements left "
                     "it above the threshold."),
            std::string::npos)
      << svg;
  EXPECT_NE(svg.find("role=\"img\""), std::string::npos);
  EXPECT_EQ(svg.find("style="), std::string::npos);  // the CSP allows no inline style
  EXPECT_EQ(BalanceChart("Balance", {{t0, 5}}, 1), "");
}

TEST(Chart, BarsScaleToTheHighestAndLabelsAreEscaped) {
  const std::string svg = BarChart("Out <per> month", {{"Oct", 20000}, {"Nov", 10000}});
  EXPECT_NE(svg.find("<title id=\"chart-outpermonth-t\">Out &lt;per&gt; month</title>"),
            std::string::npos);
  EXPECT_NE(svg.find("height=\"200\""), std::string::npos) << svg;  // the highest: the whole plot
  EXPECT_NE(svg.find("height=\"100\""), std::string::npos) << svg;
  EXPECT_EQ(BarChart("None", {}), "");
}

TEST(Html, TablesSayWhenEmpty) {
  EXPECT_EQ(DrawTable({"Approvals waiting", {"Agreement"}, {}, "None waiting."}),
            "<h2>Approvals waiting</h2><p>None waiting.</p>");
  EXPECT_EQ(DrawTable({"T", {"A"}, {{"1"}}}),
            "<table><caption>T</caption><thead><tr><th scope=\"col\">A</th></tr></thead>"
            "<tbody><tr><td>1</td></tr></tbody></table>");
}

}  // namespace
}  // namespace dp::console

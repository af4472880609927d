#include "people/person_store.h"

#include <cctype>
#include <ctime>

#include "base/refusal.h"
#include "base/strings.h"
#include "db/sql.h"

namespace dp::people {
namespace {

// The encrypted columns and the GCM context each is bound to.
struct Column {
  const char* name;
  std::string Person::*field;
};
const Column kEncrypted[] = {
    {"ni_number", &Person::ni_number},
    {"date_of_birth", &Person::date_of_birth},
    {"bank_sort_code", &Person::bank_sort_code},
    {"bank_account_number", &Person::bank_account_number},
};

std::string Context(const char* column) { return dp::StrCat("people.persons.", column); }

// TodayUtc is today's date as YYYY-MM-DD, in UTC.
std::string TodayUtc() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[11];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

bool IsDate(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  const int y = std::atoi(s.substr(0, 4).c_str());
  const int m = std::atoi(s.substr(5, 2).c_str());
  const int d = std::atoi(s.substr(8, 2).c_str());
  static const int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1900 || m < 1 || m > 12 || d < 1 || d > kDays[m - 1]) return false;
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return !(m == 2 && d == 29 && !leap);
}

}  // namespace

absl::StatusOr<std::string> NormaliseNiNumber(std::string_view text) {
  std::string ni;
  for (char c : text) {
    if (c != ' ') ni.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  const auto bad = FieldError(
      "ni_number", "must look like AB 12 34 56 C: two letters, six digits, a suffix A to D");
  if (ni.size() != 9 || !std::isalpha(static_cast<unsigned char>(ni[0])) ||
      !std::isalpha(static_cast<unsigned char>(ni[1])) || !dp::IsDigits(ni.substr(2, 6), 6) ||
      ni[8] < 'A' || ni[8] > 'D') {
    return bad;
  }
  // Letters HMRC never uses in a prefix, and prefixes it never allocates.
  const std::string first_bad = "DFIQUV", second_bad = "DFIOQUV";
  if (first_bad.find(ni[0]) != std::string::npos || second_bad.find(ni[1]) != std::string::npos) {
    return bad;
  }
  for (const char* prefix : {"BG", "GB", "NK", "KN", "TN", "NT", "ZZ"}) {
    if (ni.compare(0, 2, prefix) == 0) return bad;
  }
  return ni;
}

absl::Status ValidatePerson(const Person& p) {
  if (p.authority_id.empty()) return FieldError("authority_id", "is required");
  if (p.display_name.empty() || p.display_name.size() > 200) {
    return FieldError("display_name", "must be 1 to 200 characters");
  }
  if (!p.ni_number.empty()) {
    if (auto ni = NormaliseNiNumber(p.ni_number); !ni.ok()) return ni.status();
  }
  if (!p.date_of_birth.empty()) {
    if (!IsDate(p.date_of_birth)) {
      return FieldError("date_of_birth", "must be a real date, YYYY-MM-DD");
    }
    // Born in the past, and not more than 120 years ago.
    const std::string today = TodayUtc();
    const std::string oldest =
        std::to_string(std::atoi(today.substr(0, 4).c_str()) - 120) + today.substr(4);
    if (p.date_of_birth > today) return FieldError("date_of_birth", "is in the future");
    if (p.date_of_birth < oldest) {
      return FieldError("date_of_birth", dp::StrCat("is more than 120 years ago (before ", oldest, ")"));
    }
  }
  if (!p.bank_sort_code.empty() && !dp::IsDigits(p.bank_sort_code, 6)) {
    return FieldError("bank_sort_code", "must be six digits");
  }
  if (!p.bank_account_number.empty() && !dp::IsDigits(p.bank_account_number, 8)) {
    return FieldError("bank_account_number", "must be eight digits");
  }
  return absl::OkStatus();
}

std::string MaskNiNumber(const std::string& ni) {
  if (ni.size() != 9) return "";
  return dp::StrCat(ni.substr(0, 2), " •••• ", ni.substr(6, 2), " ", ni.substr(8));
}

absl::StatusOr<int64_t> CreatePerson(pqxx::work& tx, const crypto::FieldCipher& cipher,
                                     Person p) {
  if (auto s = ValidatePerson(p); !s.ok()) return s;
  if (!p.ni_number.empty()) p.ni_number = *NormaliseNiNumber(p.ni_number);
  std::string sql = "INSERT INTO people.persons (authority_id, display_name, ni_number_lookup";
  std::string values = dp::StrCat(tx.quote(p.authority_id), ",", tx.quote(p.display_name), ",",
                                  p.ni_number.empty() ? "NULL" : tx.quote(cipher.LookupHash(p.ni_number)));
  for (const Column& c : kEncrypted) {
    const std::string& plain = p.*(c.field);
    dp::StrAppend(&sql, ", ", c.name);
    dp::StrAppend(&values, ",", plain.empty() ? "NULL" : tx.quote(cipher.Encrypt(plain, Context(c.name))));
  }
  dp::StrAppend(&sql, ") VALUES (", values, ") RETURNING id");
  return tx.exec1(sql)[0].as<int64_t>();
}

absl::StatusOr<Person> GetPerson(pqxx::transaction_base& tx, const crypto::FieldCipher& cipher,
                                 int64_t id) {
  auto people = GetPersons(tx, cipher, {id});
  if (!people.ok()) return people.status();
  if (people->empty()) return absl::NotFoundError(dp::StrCat("person ", id, " does not exist"));
  return std::move(people->begin()->second);
}

absl::StatusOr<std::map<int64_t, Person>> GetPersons(pqxx::transaction_base& tx,
                                                     const crypto::FieldCipher& cipher,
                                                     const std::vector<int64_t>& ids) {
  std::map<int64_t, Person> people;
  const pqxx::result r = tx.exec_params(
      "SELECT id, authority_id, display_name, ni_number, date_of_birth, bank_sort_code,"
      " bank_account_number FROM people.persons WHERE id = ANY($1::bigint[])",
      db::IntArrayLiteral(ids));
  for (const auto& row : r) {
    Person p;
    p.id = row[0].as<int64_t>();
    p.authority_id = row[1].as<std::string>();
    p.display_name = row[2].as<std::string>();
    for (size_t i = 0; i < std::size(kEncrypted); ++i) {
      const pqxx::field f = row[static_cast<int>(3 + i)];
      if (f.is_null()) continue;
      auto plain = cipher.Decrypt(f.as<std::string>(), Context(kEncrypted[i].name));
      if (!plain.ok()) return plain.status();
      p.*(kEncrypted[i].field) = *plain;
    }
    people.emplace(p.id, std::move(p));
  }
  return people;
}

absl::StatusOr<std::vector<int64_t>> FindByNiNumber(pqxx::transaction_base& tx,
                                                    const crypto::FieldCipher& cipher,
                                                    std::string_view ni_number) {
  auto ni = NormaliseNiNumber(ni_number);
  if (!ni.ok()) return ni.status();
  std::vector<int64_t> ids;
  for (const auto& row : tx.exec_params(
           "SELECT id FROM people.persons WHERE ni_number_lookup = $1 ORDER BY id",
           cipher.LookupHash(*ni))) {
    ids.push_back(row[0].as<int64_t>());
  }
  return ids;
}

absl::StatusOr<int64_t> ReencryptAll(pqxx::connection& conn, const crypto::FieldCipher& cipher,
                                     int batch, const std::function<void(int64_t)>& progress) {
  const std::string active_prefix = dp::StrCat("v1:", cipher.active_key_id(), ":");
  int64_t done = 0;
  int64_t after = 0;
  for (int round = 0; round < 10'000'000; ++round) {  // bounded by the table's size
    pqxx::work tx(conn);
    std::string where;
    for (const Column& c : kEncrypted) {
      dp::StrAppend(&where, where.empty() ? "" : " OR ", "(", c.name, " IS NOT NULL AND ", c.name,
                    " NOT LIKE ", tx.quote(active_prefix + "%"), ")");
    }
    const pqxx::result rows = tx.exec(dp::StrCat(
        "SELECT id FROM people.persons WHERE id > ", after, " AND (", where, ") ORDER BY id LIMIT ",
        batch, " FOR UPDATE"));
    if (rows.empty()) break;
    for (const auto& row : rows) {
      const int64_t id = row[0].as<int64_t>();
      after = id;
      auto person = GetPerson(tx, cipher, id);
      if (!person.ok()) return person.status();  // a key is missing: stop, change nothing more
      std::string sets;
      for (const Column& c : kEncrypted) {
        const std::string& plain = (*person).*(c.field);
        if (plain.empty()) continue;
        dp::StrAppend(&sets, sets.empty() ? "" : ", ", c.name, " = ",
                      tx.quote(cipher.Encrypt(plain, Context(c.name))));
      }
      tx.exec(dp::StrCat("UPDATE people.persons SET ", sets, " WHERE id = ", id));
      ++done;
    }
    tx.commit();
    if (progress) progress(done);
  }
  return done;
}

}  // namespace dp::people

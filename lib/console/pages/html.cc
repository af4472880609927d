#include "console/pages/html.h"

#include <cstdint>

#include "base/strings.h"
#include "console/signin/token.h"

namespace dp::console {
namespace {

// Hint is a field's hint under its label and the attribute that ties the
// field to it (both empty without a hint).
std::pair<std::string, std::string> Hint(const std::string& id, std::string_view hint) {
  if (hint.empty()) return {};
  return {dp::StrCat("<span class=\"hint\" id=\"", id, "-hint\">", Escape(hint), "</span>"),
          dp::StrCat(" aria-describedby=\"", id, "-hint\"")};
}

}  // namespace

std::string Escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string PageStart(std::string_view title, const Viewer& viewer) {
  std::string header;
  if (!viewer.name.empty()) {
    std::string links = dp::StrCat("<li>", Link("/", "Home"), "</li>");
    for (const auto& [href, words] : viewer.links)
      links += dp::StrCat("<li>", Link(href, words), "</li>");
    header = dp::StrCat("<nav aria-label=\"Main\"><ul>", links, "</ul></nav>",
                        "<form class=\"signout\" method=\"post\" action=\"/sign-out\">",
                        CsrfField(viewer.csrf_token), "<p>Signed in as ", Escape(viewer.name), " (",
                        Escape(viewer.role_words),
                        ") <button type=\"submit\">Sign out</button></p></form>");
  }
  return dp::StrCat(
      "<!DOCTYPE html>\n<html lang=\"en-GB\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<title>",
      Escape(title),
      " – Direct Payments</title>"
      "<link rel=\"stylesheet\" href=\"/static/console.css\"></head><body>"
      "<a class=\"skip\" href=\"#main\">Skip to main content</a>"
      "<header><p class=\"service\">Direct Payments</p>",
      header,
      "</header>"
      "<main id=\"main\" tabindex=\"-1\"><h1>",
      Escape(title), "</h1>");
}

std::string PageEnd() {
  return "</main><footer><p>Self-directed Support Option 1: direct payments.</p></footer>"
         "</body></html>\n";
}

std::string Page(std::string_view title, const Viewer& viewer, std::string_view main_html) {
  return dp::StrCat(PageStart(title, viewer), main_html, PageEnd());
}

std::string Link(std::string_view href, std::string_view text) {
  return dp::StrCat("<a href=\"", Escape(href), "\">", Escape(text), "</a>");
}

std::string DrawTable(const Table& table) {
  if (table.rows.empty()) {
    return dp::StrCat("<h2>", Escape(table.caption), "</h2><p>", Escape(table.empty_words), "</p>");
  }
  std::string out = dp::StrCat("<table><caption>", Escape(table.caption), "</caption><thead><tr>");
  for (const std::string& h : table.headings)
    out += dp::StrCat("<th scope=\"col\">", Escape(h), "</th>");
  out += "</tr></thead><tbody>";
  for (const auto& row : table.rows) {
    out += "<tr>";
    for (const std::string& cell : row) out += dp::StrCat("<td>", cell, "</td>");
    out += "</tr>";
  }
  return out + "</tbody></table>";
}

std::string CsrfField(std::string_view token) {
  return dp::StrCat("<input type=\"hidden\" name=\"csrf\" value=\"", Escape(token), "\">");
}

std::string RequestIdField() {
  return dp::StrCat("<input type=\"hidden\" name=\"request_id\" value=\"console-", NewToken(),
                    "\">");
}

std::string Field(std::string_view label, std::string_view name, std::string_view type,
                  std::string_view autocomplete, std::string_view hint, bool required) {
  const std::string id = dp::StrCat("f-", name);
  const auto [hint_html, described] = Hint(id, hint);
  return dp::StrCat("<p class=\"field\"><label for=\"", id, "\">", Escape(label), "</label>",
                    hint_html, "<input id=\"", id, "\" name=\"", Escape(name), "\" type=\"",
                    Escape(type), "\" autocomplete=\"", Escape(autocomplete), "\"", described,
                    required ? " required" : "", "></p>");
}

std::string Select(std::string_view label, std::string_view name,
                   const std::vector<std::pair<std::string, std::string>>& options) {
  std::string out = dp::StrCat("<p class=\"field\"><label for=\"f-", name, "\">", Escape(label),
                               "</label><select id=\"f-", name, "\" name=\"", name, "\">");
  for (const auto& [value, words] : options) {
    out += dp::StrCat("<option value=\"", Escape(value), "\">", Escape(words), "</option>");
  }
  return out + "</select></p>";
}

std::string DateField(std::string_view label, std::string_view name, std::string_view value) {
  return dp::StrCat("<p class=\"field\"><label for=\"f-", name, "\">", Escape(label),
                    "</label><input id=\"f-", name, "\" name=\"", name,
                    "\" type=\"date\" required value=\"", Escape(value), "\"></p>");
}

std::string TextArea(std::string_view label, std::string_view name, int max_length,
                     std::string_view hint) {
  const std::string id = dp::StrCat("f-", name);
  const auto [hint_html, described] = Hint(id, hint);
  return dp::StrCat("<p class=\"field\"><label for=\"", id, "\">", Escape(label), "</label>",
                    hint_html, "<textarea id=\"", id, "\" name=\"", Escape(name),
                    "\" rows=\"3\" maxlength=\"", max_length, "\"", described,
                    " required></textarea></p>");
}

std::string ReasonField() {
  return TextArea("Reason", "reason", 2000,
                  "The person reads this in their record: write it for them.");
}

std::string ErrorBox(std::string_view words) {
  return dp::StrCat("<div class=\"error\" role=\"alert\"><p>", Escape(words), "</p></div>");
}

std::string NoticeBox(std::string_view words) {
  return dp::StrCat("<div class=\"notice\" role=\"status\"><p>", Escape(words), "</p></div>");
}

std::optional<int64_t> ParsePounds(std::string_view text) {
  std::string digits;
  std::string_view t = text;
  if (t.substr(0, 2) == "\xC2\xA3") t.remove_prefix(2);  // £
  size_t dot = std::string_view::npos;
  for (size_t i = 0; i < t.size(); ++i) {
    const char c = t[i];
    if (c == ',' && dot == std::string_view::npos) continue;
    if (c == '.' && dot == std::string_view::npos) {
      dot = digits.size();
      continue;
    }
    if (c < '0' || c > '9') return std::nullopt;
    digits += c;
  }
  if (digits.empty()) return std::nullopt;
  const size_t pence_digits = dot == std::string_view::npos ? 0 : digits.size() - dot;
  if (pence_digits > 2 || digits.size() - pence_digits > 8) return std::nullopt;
  int64_t value = 0;
  for (char c : digits) value = value * 10 + (c - '0');
  for (size_t i = pence_digits; i < 2; ++i) value *= 10;
  if (value <= 0 || value > 10'000'000'00) return std::nullopt;
  return value;
}

namespace {

std::string Grouped(uint64_t n) {
  std::string digits = std::to_string(n);
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) digits.insert(i, ",");
  return digits;
}

}  // namespace

std::string Count(int64_t n) {
  return n < 0 ? "\xE2\x88\x92" + Grouped(0 - static_cast<uint64_t>(n))
               : Grouped(static_cast<uint64_t>(n));
}

std::string Pounds(int64_t pence) {
  const bool negative = pence < 0;
  const uint64_t abs = negative ? 0 - static_cast<uint64_t>(pence) : static_cast<uint64_t>(pence);
  const std::string whole = Grouped(abs / 100);
  const uint64_t p = abs % 100;
  return dp::StrCat(negative ? "\xE2\x88\x92" : "", "\xC2\xA3", whole, ".", p < 10 ? "0" : "", p);
}

}  // namespace dp::console

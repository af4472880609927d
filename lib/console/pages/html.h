#ifndef DP_LIB_CONSOLE_PAGES_HTML_H_
#define DP_LIB_CONSOLE_PAGES_HTML_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// The console's HTML, written on the server with no script: escaping, the
// page layout every page shares, tables and forms. Every text that did not
// come from this file goes through Escape (Text, Cell, attributes), so a
// name like "<script>" shows as typed.
namespace dp::console {

// Escape makes text safe in HTML content and in quoted attributes.
//
//   Escape("<b>Tom & \"Jerry\"</b>") == "&lt;b&gt;Tom &amp; &quot;Jerry&quot;&lt;/b&gt;"
std::string Escape(std::string_view text);

// Viewer is who a page is drawn for: their name and role for the header,
// and the session's form token for sign-out. Empty before sign-in.
struct Viewer {
  std::string name;
  std::string role_words;  // "Finance officer"
  std::string csrf_token;
  std::vector<std::pair<std::string, std::string>> links;  // (href, words) after Home
};

// Page is a whole document: a skip link, the header (with the viewer and a
// sign-out button when signed in), a navigation list, and `main_html`
// under a heading of `title`. `main_html` must already be safe.
std::string Page(std::string_view title, const Viewer& viewer, std::string_view main_html);
// PageStart and PageEnd are a Page in two parts, for a page sent as it is
// written (a long run's progress): PageStart(title, viewer), then the main
// content, then PageEnd().
std::string PageStart(std::string_view title, const Viewer& viewer);
std::string PageEnd();

// Link is an anchor; `href` is escaped as an attribute.
std::string Link(std::string_view href, std::string_view text);

// Table draws a captioned table: the caption and headings are text, the
// cells are safe HTML (use Escape or Link for each).
struct Table {
  std::string caption;
  std::vector<std::string> headings;
  std::vector<std::vector<std::string>> rows;
  std::string empty_words = "Nothing to show.";
};
std::string DrawTable(const Table& table);

// CsrfField is the session's form token every form carries.
std::string CsrfField(std::string_view token);

// RequestIdField is a write form's idempotency key, fresh each time the
// form is drawn: sending the same form twice makes one write.
std::string RequestIdField();

// Field is a labelled input: label text, name, type ("text", "password"),
// autocomplete hint, an optional hint shown under the label, and whether
// the form needs it.
std::string Field(std::string_view label, std::string_view name, std::string_view type,
                  std::string_view autocomplete, std::string_view hint = "", bool required = true);

// Select is a labelled choice of (value, words) options, the first chosen.
std::string Select(std::string_view label, std::string_view name,
                   const std::vector<std::pair<std::string, std::string>>& options);

// DateField is a labelled, required date (YYYY-MM-DD), filled with `value`.
std::string DateField(std::string_view label, std::string_view name, std::string_view value);

// TextArea is a labelled, required box of up to `max_length` characters,
// with an optional hint under the label.
std::string TextArea(std::string_view label, std::string_view name, int max_length,
                     std::string_view hint = "");

// ReasonField is the reason every decision about a person's money carries,
// which the person reads in their record.
std::string ReasonField();

// Alert is a message box: role="alert" for errors, a status for news.
std::string ErrorBox(std::string_view words);
std::string NoticeBox(std::string_view words);

// ParsePounds reads money as people type it: "250", "250.5", "250.50",
// "£1,250.00"; nothing for anything else or more than £10,000,000.
std::optional<int64_t> ParsePounds(std::string_view text);

// Count is a number for people: 1234567 -> "1,234,567".
std::string Count(int64_t n);

// Pence as money for people: 123456 -> "£1,234.56", -5 -> "−£0.05".
std::string Pounds(int64_t pence);

}  // namespace dp::console

#endif  // DP_LIB_CONSOLE_PAGES_HTML_H_

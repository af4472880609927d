#include "console/pages/chart.h"

#include <algorithm>

#include "absl/time/time.h"
#include "base/check.h"
#include "base/strings.h"
#include "console/pages/html.h"

namespace dp::console {
namespace {

constexpr int kWidth = 720;
constexpr int kHeight = 260;
constexpr int kLeft = 90;  // room for the amounts
constexpr int kRight = 20;
constexpr int kTop = 20;
constexpr int kBottom = 40;  // room for the dates
constexpr char kInk[] = "#0b0c0c";
constexpr char kLine[] = "#1d4ed8";
constexpr char kThreshold[] = "#b10e1e";

std::string Day(int64_t at_s) {
  return absl::FormatTime("%e %b %Y", absl::FromUnixSeconds(at_s), absl::UTCTimeZone());
}

// Open starts a chart; its title and description ids come from the title,
// so that two charts on a page never share one.
std::string Open(const std::string& title, const std::string& description) {
  std::string id = "chart-";
  for (char c : title) {
    if (std::isalnum(static_cast<unsigned char>(c))) id += static_cast<char>(std::tolower(c));
  }
  return dp::StrCat("<figure class=\"chart\"><svg role=\"img\" aria-labelledby=\"", id, "-t ", id,
                    "-d\" viewBox=\"0 0 ", kWidth, " ", kHeight,
                    "\" width=\"100%\" xmlns=\"http://www.w3.org/2000/svg\"><title id=\"", id,
                    "-t\">", Escape(title), "</title><desc id=\"", id, "-d\">", Escape(description),
                    "</desc>");
}

std::string Text(int x, int y, const std::string& anchor, const std::string& words) {
  return dp::StrCat("<text x=\"", x, "\" y=\"", y, "\" text-anchor=\"", anchor,
                    "\" font-size=\"13\" fill=\"", kInk, "\">", Escape(words), "</text>");
}

}  // namespace

std::string BalanceChart(const std::string& title, const std::vector<BalancePoint>& points,
                         int64_t threshold_pence) {
  if (points.size() < 2) return "";
  const int64_t t0 = points.front().at_s;
  const int64_t t1 = std::max(points.back().at_s, t0 + 1);
  int64_t top = threshold_pence, bottom = 0, highest = points.front().balance_pence;
  size_t above = 0;
  for (const BalancePoint& p : points) {
    top = std::max(top, p.balance_pence);
    bottom = std::min(bottom, p.balance_pence);
    highest = std::max(highest, p.balance_pence);
    if (p.balance_pence > threshold_pence) ++above;
  }
  if (top == bottom) top = bottom + 100;
  const double plot_w = kWidth - kLeft - kRight;
  const double plot_h = kHeight - kTop - kBottom;
  auto x = [&](int64_t at) { return kLeft + plot_w * static_cast<double>(at - t0) / (t1 - t0); };
  auto y = [&](int64_t pence) {
    return kTop +
           plot_h * (1.0 - static_cast<double>(pence - bottom) / static_cast<double>(top - bottom));
  };
  std::string path;
  double last_y = y(points.front().balance_pence);
  for (size_t i = 0; i < points.size(); ++i) {
    const double px = x(points[i].at_s), py = y(points[i].balance_pence);
    path += i == 0 ? dp::StrCat("M", static_cast<int>(px), " ", static_cast<int>(py))
                   : dp::StrCat(" L", static_cast<int>(px), " ", static_cast<int>(last_y), " L",
                                static_cast<int>(px), " ", static_cast<int>(py));
    last_y = py;
  }
  const std::string description = dp::StrCat(
      "The balance from ", Day(t0), " to ", Day(points.back().at_s), ": it went from ",
      Pounds(points.front().balance_pence), " to ", Pounds(points.back().balance_pence),
      ", at most ", Pounds(highest), ". The 8-week threshold is ", Pounds(threshold_pence), "; ",
      above, " of ", points.size(), " movements left it above the threshold.");
  const int ty = static_cast<int>(y(threshold_pence));
  return dp::StrCat(
      Open(title, description), "<line x1=\"", kLeft, "\" y1=\"", kTop, "\" x2=\"", kLeft,
      "\" y2=\"", kHeight - kBottom, "\" stroke=\"", kInk, "\"/><line x1=\"", kLeft, "\" y1=\"",
      kHeight - kBottom, "\" x2=\"", kWidth - kRight, "\" y2=\"", kHeight - kBottom, "\" stroke=\"",
      kInk, "\"/>", "<line x1=\"", kLeft, "\" y1=\"", ty, "\" x2=\"", kWidth - kRight, "\" y2=\"",
      ty, "\" stroke=\"", kThreshold, "\" stroke-width=\"2\" stroke-dasharray=\"8 6\"/>",
      Text(kWidth - kRight, ty - 6, "end", "8-week threshold " + Pounds(threshold_pence)),
      "<path d=\"", path, "\" fill=\"none\" stroke=\"", kLine, "\" stroke-width=\"3\"/>",
      Text(kLeft - 8, kTop + 5, "end", Pounds(top)),
      Text(kLeft - 8, kHeight - kBottom, "end", Pounds(bottom)),
      Text(kLeft, kHeight - 12, "start", Day(t0)),
      Text(kWidth - kRight, kHeight - 12, "end", Day(points.back().at_s)), "</svg><figcaption>",
      Escape(description), "</figcaption></figure>");
}

std::string BarChart(const std::string& title, const std::vector<Bar>& bars) {
  if (bars.empty()) return "";
  int64_t top = 1;
  std::string description = title + ": ";
  for (size_t i = 0; i < bars.size(); ++i) {
    top = std::max(top, bars[i].pence);
    description += dp::StrCat(i ? ", " : "", bars[i].label, " ", Pounds(bars[i].pence));
  }
  description += ".";
  const double plot_w = kWidth - kLeft - kRight;
  const double plot_h = kHeight - kTop - kBottom;
  const double slot = plot_w / static_cast<double>(bars.size());
  std::string body;
  for (size_t i = 0; i < bars.size(); ++i) {
    DP_CHECK(bars[i].pence >= 0);
    const double h = plot_h * static_cast<double>(bars[i].pence) / static_cast<double>(top);
    const int bx = static_cast<int>(kLeft + slot * static_cast<double>(i) + slot * 0.15);
    const int bw = std::max(1, static_cast<int>(slot * 0.7));
    const int by = static_cast<int>(kTop + plot_h - h);
    body += dp::StrCat(
        "<rect x=\"", bx, "\" y=\"", by, "\" width=\"", bw, "\" height=\"", static_cast<int>(h),
        "\" fill=\"", kLine, "\"/>", Text(bx + bw / 2, kHeight - 22, "middle", bars[i].label),
        Text(bx + bw / 2, std::max(kTop + 12, by - 4), "middle", Pounds(bars[i].pence)));
  }
  return dp::StrCat(Open(title, description), "<line x1=\"", kLeft, "\" y1=\"", kHeight - kBottom,
                    "\" x2=\"", kWidth - kRight, "\" y2=\"", kHeight - kBottom, "\" stroke=\"",
                    kInk, "\"/>", body, "</svg><figcaption>", Escape(description),
                    "</figcaption></figure>");
}

}  // namespace dp::console

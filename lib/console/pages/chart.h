#ifndef DP_LIB_CONSOLE_PAGES_CHART_H_
#define DP_LIB_CONSOLE_PAGES_CHART_H_

#include <cstdint>
#include <string>
#include <vector>

// Charts drawn on the server as inline SVG: no script, colours and lines as
// SVG attributes (the CSP allows no inline style). Each is an image with a
// title and a description in words, so a screen reader tells what it shows.
namespace dp::console {

// BalancePoint is the balance after a movement, at a time.
struct BalancePoint {
  int64_t at_s = 0;  // Unix seconds
  int64_t balance_pence = 0;
};

// BalanceChart draws the balance as a step line over time against a dashed
// threshold line (the 8-week surplus threshold), with the first and last
// days and the highest balance on the axes. Empty for fewer than 2 points.
//
//   BalanceChart("Balance against the 8-week threshold", points, 260000)
std::string BalanceChart(const std::string& title, const std::vector<BalancePoint>& points,
                         int64_t threshold_pence);

// Bar is one bar: its label and its amount.
struct Bar {
  std::string label;
  int64_t pence = 0;
};

// BarChart draws bars left to right with their labels and amounts. Empty
// when there is no bar.
std::string BarChart(const std::string& title, const std::vector<Bar>& bars);

}  // namespace dp::console

#endif  // DP_LIB_CONSOLE_PAGES_CHART_H_

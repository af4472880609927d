#ifndef DP_TOOLS_DPCTL_CARDS_COMMANDS_H_
#define DP_TOOLS_DPCTL_CARDS_COMMANDS_H_

#include <functional>

#include <CLI/CLI.hpp>

#include "output.h"

namespace dpctl {

// AddCardsCommands adds `dpctl cards ...` (CardService at --cards or
// DP_CARDS_ADDR): issuing, freezing, cancelling and replacing cards, their
// controls, and, with a processor's certificate, the card network's calls.
void AddCardsCommands(CLI::App& app, int& exit_code, std::function<Output()> make_output);

}  // namespace dpctl

#endif  // DP_TOOLS_DPCTL_CARDS_COMMANDS_H_

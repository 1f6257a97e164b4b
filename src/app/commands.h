// Subcommands of the chview binary. Each add_*_command registers its options on the
// CLI and, when selected, stores the function that runs it in `run`.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace chview::app {

using CommandRun = std::function<int()>;

void add_produce_command(CLI::App& cli, CommandRun& run);
void add_serve_command(CLI::App& cli, CommandRun& run);

}  // namespace chview::app

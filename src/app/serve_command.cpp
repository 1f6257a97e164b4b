#include <iostream>

#include "app/commands.h"

namespace chview::app {

void add_serve_command(CLI::App& cli, CommandRun& run) {
  auto* cmd = cli.add_subcommand("serve", "Serve tables to Perspective viewers over WebSocket");
  cmd->callback([&run] {
    run = [] {
      std::cerr << "chview serve: not implemented yet\n";
      return 2;
    };
  });
}

}  // namespace chview::app

#include <iostream>

#include "app/commands.h"

namespace chview::app {

void add_produce_command(CLI::App& cli, CommandRun& run) {
  auto* cmd = cli.add_subcommand("produce", "Insert random market data into ClickHouse");
  cmd->callback([&run] {
    run = [] {
      std::cerr << "chview produce: not implemented yet\n";
      return 2;
    };
  });
}

}  // namespace chview::app

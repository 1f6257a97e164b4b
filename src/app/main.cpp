#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>

#include "app/commands.h"

int main(int argc, char** argv) {
  try {
    CLI::App cli{"chview: ClickHouse data, live, in the stock Perspective viewer"};
    cli.require_subcommand(1);
    chview::app::CommandRun run;
    chview::app::add_produce_command(cli, run);
    chview::app::add_serve_command(cli, run);
    CLI11_PARSE(cli, argc, argv);
    return run ? run() : 0;
  } catch (const std::exception& e) {
    // Last resort: every expected failure is a Status with its own message.
    std::cerr << "chview: fatal error: " << e.what() << "\n";
    return 1;
  }
}

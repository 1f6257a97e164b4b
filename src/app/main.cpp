#include <CLI/CLI.hpp>

#include "app/commands.h"

int main(int argc, char** argv) {
  CLI::App cli{"chview: ClickHouse data, live, in the stock Perspective viewer"};
  cli.require_subcommand(1);
  chview::app::CommandRun run;
  chview::app::add_produce_command(cli, run);
  chview::app::add_serve_command(cli, run);
  CLI11_PARSE(cli, argc, argv);
  return run ? run() : 0;
}

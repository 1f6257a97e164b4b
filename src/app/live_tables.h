// Bridges ingest/ (ClickHouse polling threads) and protocol/ (hosted tables, pushes):
// every delivery runs on the engine thread through `post` and the polling thread waits
// for it, so a poll is applied whole, in order, and never concurrently with a view read.
#pragma once

#include <atomic>
#include <functional>
#include <memory>

#include "ingest/ingest_service.h"
#include "protocol/server.h"

namespace chview::app {

using PostFn = std::function<void(std::function<void()>)>;

// `initial` deliveries create the hosted table (or replace its rows; a table whose
// schema changed is unpublished and published again, so viewers re-bind to it); later
// deliveries apply the batch and push on_update to the table's views.
// Returns kCancelled once `stopping` is set while waiting for the engine thread.
ingest::Deliver make_deliver(protocol::Server& server, PostFn post,
                             const std::shared_ptr<std::atomic<bool>>& stopping);

}  // namespace chview::app

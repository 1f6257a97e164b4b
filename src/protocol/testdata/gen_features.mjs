// Records Perspective 5.5.1's GetFeaturesResp (npm @perspective-dev/client, in-process
// engine) as raw protobuf bytes: get_features_5.5.1.bin. server_pivot_test compares
// chview's aggregate and filter menus with it.
// Run from the repository root: node src/protocol/testdata/gen_features.mjs
import * as perspective from "@perspective-dev/client";
import fs from "node:fs";

const server = new perspective.PerspectiveServer();
const session = server.make_session(async (response) => {
  fs.writeFileSync("src/protocol/testdata/get_features_5.5.1.bin", Buffer.from(response));
});
// Request{msg_id: 7, get_features_req: {}}
await session.handle_request(new Uint8Array([0x08, 0x07, 0x1a, 0x00]));
process.exit(0);

// The aggregate list per column type, asked from the 5.5.1 engine itself: the JS client
// has no get_features(), so a raw GetFeaturesReq is sent through an in-process session
// and the reply's `aggregates` map (GetFeaturesResp field 7) is decoded here.
const TYPE_NAMES = { 0: "string", 1: "date", 2: "datetime", 3: "integer", 4: "float", 5: "boolean" };

// Minimal protobuf reader: yields [field, wireType, value] (value = Uint8Array for
// length-delimited fields, a number for varints).
function* fields(bytes) {
  let i = 0;
  const varint = () => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = bytes[i++];
      result += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return result;
      shift += 7;
    }
  };
  while (i < bytes.length) {
    const key = varint();
    const field = Math.floor(key / 8);
    const wire = key & 7;
    if (wire === 0) yield [field, wire, varint()];
    else if (wire === 2) {
      const n = varint();
      yield [field, wire, bytes.subarray(i, i + n)];
      i += n;
    } else if (wire === 5) i += 4;
    else if (wire === 1) i += 8;
    else throw new Error(`unsupported wire type ${wire}`);
  }
}

const text = (b) => new TextDecoder().decode(b);

// Returns { string: [{name, args:[type]}...], integer: [...], ... }.
export async function engineAggregates(server) {
  const reply = await new Promise((resolve) => {
    const session = server.make_session(async (resp) => {
      resolve(resp);
      session.close();
    });
    // Request { msg_id: 1, get_features_req (3): {} }
    session.handle_request(new Uint8Array([0x08, 0x01, 0x1a, 0x00]));
  });
  const out = {};
  for (const [f, , resp] of fields(reply)) {
    if (f !== 3) continue; // Response.get_features_resp
    for (const [g, , entry] of fields(resp)) {
      if (g !== 7) continue; // aggregates map entry { key: 1, value: 2 }
      let type = 0;
      let list = [];
      for (const [h, , v] of fields(entry)) {
        if (h === 1) type = v;
        if (h === 2) {
          for (const [k, , agg] of fields(v)) {
            if (k !== 1) continue;
            const a = { name: "", args: [] };
            for (const [m, w, x] of fields(agg)) {
              if (m === 1) a.name = text(x);
              if (m === 2 && w === 0) a.args.push(TYPE_NAMES[x]);
              if (m === 2 && w === 2) for (const y of x) a.args.push(TYPE_NAMES[y]); // packed one-byte enums
            }
            list.push(a);
          }
        }
      }
      out[TYPE_NAMES[type]] = list;
    }
  }
  return out;
}

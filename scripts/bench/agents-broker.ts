// Child process of scripts/bench/agents.ts: Guichet's broker (KioskBroker: ACL, validation at the door, internal
// subscriber) alone on a TCP port, without the appliance around it; accepts any credentials and answers pings.
// Prints "ready" then, every 500 ms, "stats <heartbeats received>".
import { KioskBroker } from "../../appliance/net/mqtt/broker";
import { silentLogger } from "../../appliance/core/log";
import { listenStreams } from "../../appliance/net/mqtt/tcp-stream";

let heartbeats = 0;
const broker: KioskBroker = await KioskBroker.create(
  {
    authenticate: (u) => ({ orgId: "org", workstationId: u }),
    connected() {},
    disconnected() {},
    message(id, msg) {
      if (msg.kind === "heartbeat") heartbeats++;
      else if (msg.kind === "req") void broker.publish(id, "res", { v: 1, id: msg.value.id, ok: true, result: {} });
    },
  },
  silentLogger,
);
// The same listener as the appliance's (Bun native sockets, see tcp-stream.ts).
listenStreams({ host: "127.0.0.1", port: Number(process.argv[2]) }, (s) => broker.handle(s));
console.log("ready");
setInterval(() => console.log(`stats ${heartbeats}`), 500);

// Child process of scripts/bench/agents.ts: Guichet's broker (KioskBroker: ACL, validation at the door, internal
// subscriber) alone on a TCP port, without the appliance around it; accepts any credentials and answers pings.
// Prints "ready" then, every 500 ms, "stats <heartbeats received>".
import { createServer } from "node:net";
import { KioskBroker } from "../../appliance/net/mqtt/broker";
import { silentLogger } from "../../appliance/core/log";

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
const server = createServer((s) => broker.handle(s));
server.listen(Number(process.argv[2]), "127.0.0.1", () => console.log("ready"));
setInterval(() => console.log(`stats ${heartbeats}`), 500);

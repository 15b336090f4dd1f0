/** Test helper: a bare MQTT 5 TCP client (mqtt-packet codec, no client library) that can send anything, even garbage. */
import mqtt, { type Packet } from "mqtt-packet";
import { until } from "./fixture";

const V5 = { protocolVersion: 5 };

/** A raw connection: `send` a packet or bytes, read `packets` received so far, know whether the broker `closed` it. */
export interface RawV5 {
  packets: Packet[];
  closed: () => boolean;
  send(p: Packet | Uint8Array): void;
  /** Waits for the first received packet of this kind (after `from` packets), or throws. */
  next(cmd: Packet["cmd"], ms?: number, from?: number): Promise<any>;
  waitClosed(ms?: number): Promise<void>;
  close(): void;
}

/** Opens a TCP connection to the broker; nothing is sent yet. */
export async function rawV5(port: number): Promise<RawV5> {
  const packets: Packet[] = [];
  let closed = false;
  const parser = mqtt.parser(V5);
  parser.on("packet", (p) => packets.push(p));
  parser.on("error", () => {});
  const sock = await Bun.connect({
    hostname: "127.0.0.1",
    port,
    socket: {
      data: (_s, buf) => void parser.parse(Buffer.from(buf)),
      close: () => void (closed = true),
      end: () => void (closed = true),
      error: () => void (closed = true),
    },
  });
  return {
    packets,
    closed: () => closed,
    send: (p) => void sock.write(p instanceof Uint8Array ? p : mqtt.generate(p, V5)),
    async next(cmd, ms = 3000, from = 0) {
      await until(() => packets.slice(from).some((p) => p.cmd === cmd), ms, `paquet ${cmd}`);
      return packets.slice(from).find((p) => p.cmd === cmd);
    },
    waitClosed: (ms = 3000) => until(() => closed, ms, "fermeture par le broker"),
    close: () => sock.end(),
  };
}

/** A v5 CONNECT for an enrolled kiosk (or other credentials), with optional extra fields. */
export function connectPacket(k: { workstationId: string; username: string; password: string }, extra: Record<string, unknown> = {}): Packet {
  return { cmd: "connect", protocolId: "MQTT", protocolVersion: 5, clean: true, clientId: k.workstationId, keepalive: 30, username: k.username, password: Buffer.from(k.password), ...extra } as Packet;
}

/** MQTT over WebSocket on the HTTP port (`/mqtt`): each WebSocket becomes a byte stream handed to the broker. */
import { Elysia } from "elysia";
import { ByteStream } from "./byte-stream";
import type { KioskBroker } from "./broker";

interface Socket {
  send(data: Uint8Array): unknown;
  close(code?: number, reason?: string): unknown;
  remoteAddress?: string;
}

/** A Duplex whose writes go to the WebSocket and whose reads come from its binary frames. */
class WsStream extends ByteStream {
  constructor(
    private ws: Socket,
    readonly remoteAddress: string | null,
  ) {
    super();
  }
  override _read() {}
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void) {
    try {
      this.ws.send(chunk);
      cb();
    } catch (e) {
      cb(e as Error);
    }
  }
  override _final(cb: () => void) {
    this.ws.close(1000);
    cb();
  }
  override _destroy(err: Error | null, cb: (err: Error | null) => void) {
    try {
      this.ws.close(1000);
    } catch {
      // already closed
    }
    cb(err);
  }
}

/** The `/mqtt` WebSocket route; `broker()` is null while the MQTT service is stopped (the socket is closed). */
export function mqttWebSocketRoute(broker: () => KioskBroker | null) {
  const streams = new WeakMap<object, WsStream>();
  return new Elysia({ name: "mqtt-ws" }).ws("/mqtt", {
    // Browsers' MQTT clients offer the "mqtt" subprotocol and give up unless the server echoes it (FACTS.md).
    upgrade: { "sec-websocket-protocol": "mqtt" },
    open(ws) {
      const b = broker();
      if (!b) {
        ws.close(1013, "service MQTT arrêté");
        return;
      }
      const raw = ws.raw as unknown as Socket;
      const s = new WsStream(raw, raw.remoteAddress ?? null);
      streams.set(ws.raw, s);
      b.handle(s);
    },
    message(ws, message) {
      const s = streams.get(ws.raw);
      if (!s) return;
      const buf = typeof message === "string" ? Buffer.from(message) : Buffer.isBuffer(message) ? message : Buffer.from(message as ArrayBuffer);
      s.push(buf);
    },
    close(ws) {
      const s = streams.get(ws.raw);
      if (!s) return;
      streams.delete(ws.raw);
      s.push(null);
      s.destroy();
    },
  });
}

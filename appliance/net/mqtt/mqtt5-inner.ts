/** The 3.1.1 side of an MQTT 5 connection, as aedes sees it (see mqtt5-front.ts), and what the front end needs. */
import type { Duplex } from "node:stream";
import { ByteStream } from "./byte-stream";

/** What the front end needs from the broker. */
export interface Mqtt5Host {
  /** Hands the translated 3.1.1 byte stream to aedes; returns aedes's client. */
  serve(conn: Duplex): unknown;
  /** The broker's verdict on a PUBLISH from this (aedes) client, with the same ACL and schema as for 3.1.1. */
  vetPublish(client: unknown, topic: string, payload: Buffer, retain: boolean): "ok" | "denied" | "invalid";
  /** A malformed v5 stream (logged, throttled). */
  malformed(ip: string | null, reason: string): void;
}

/** The front end of one connection, as its inner stream calls it. */
export interface InnerOwner {
  /** Why the broker is about to close the connection (an MQTT 5 DISCONNECT reason code), if known. */
  closeReason: number | null;
  readMore(): void;
  fromBroker(chunk: Buffer, done: (err?: Error | null) => void): void;
  brokerClosed(): void;
}

/** The 3.1.1 side of a v5 connection, as aedes sees it: reads are translated client packets, writes go back to it. */
export class Inner extends ByteStream {
  /** Set by aedes (`conn.client = this`). */
  client?: { _keepaliveTimer?: { refresh(): void } | null };
  constructor(
    readonly front: InnerOwner,
    readonly remoteAddress: string | null,
  ) {
    super({ highWaterMark: 16 * 1024 });
  }
  override _read() {
    this.front.readMore();
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void) {
    this.front.fromBroker(chunk, cb);
  }
  override _writev(chunks: { chunk: Buffer }[], cb: (err?: Error | null) => void) {
    this.front.fromBroker(chunks.length === 1 ? chunks[0]!.chunk : Buffer.concat(chunks.map((c) => c.chunk)), cb);
  }
  override _destroy(err: Error | null, cb: (err: Error | null) => void) {
    this.front.brokerClosed();
    cb(err);
  }
}

/** The v5 front end of the aedes client behind a connection, if it is one. */
export function frontOf(conn: unknown): InnerOwner | null {
  return conn instanceof Inner ? conn.front : null;
}


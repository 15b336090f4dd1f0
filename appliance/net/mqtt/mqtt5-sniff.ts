/**
 * Reads the protocol version out of a connection's first bytes (its CONNECT), so that the broker can send an
 * MQTT 5 client to the v5 front end and everything else to aedes untouched.
 */
import type { Duplex } from "node:stream";

/** Longest prefix needed: fixed header (1) + remaining length (≤ 4) + protocol name ("MQIsdp": 2 + 6) + version (1). */
const MAX_HEAD = 14;

/**
 * The protocol version byte of a CONNECT at the start of `buf`; `null` while more bytes are needed;
 * 0 when the bytes are not a CONNECT aedes could read (aedes then refuses it as it always did).
 */
export function protocolVersionOf(buf: Uint8Array): number | null {
  if (buf.length === 0) return null;
  if (buf[0] !== 0x10) return 0;
  let pos = 1;
  // Remaining length: 1 to 4 bytes, 7 bits each, high bit = more.
  for (;;) {
    if (pos >= buf.length) return null;
    if (pos > 4) return 0;
    if ((buf[pos++]! & 0x80) === 0) break;
  }
  if (pos + 2 > buf.length) return null;
  const nameLen = (buf[pos]! << 8) | buf[pos + 1]!;
  if (nameLen !== 4 && nameLen !== 6) return 0;
  const at = pos + 2 + nameLen;
  return at < buf.length ? buf[at]! : null;
}

/**
 * Waits for the first bytes of `stream`, then calls `route(version, head)` with what was read (the caller puts it
 * back or parses it). A connection that says nothing within `timeoutMs`, or ends first, is closed.
 */
export function sniffProtocol(stream: Duplex, timeoutMs: number, route: (version: number, head: Buffer) => void) {
  let head: Buffer = Buffer.alloc(0);
  let done = false;
  const finish = () => {
    done = true;
    clearTimeout(timer);
    stream.removeListener("readable", onReadable);
    stream.removeListener("end", onEnd);
    stream.removeListener("error", onEnd);
  };
  const onEnd = () => {
    if (done) return;
    finish();
    stream.destroy();
  };
  const onReadable = () => {
    if (done) return;
    let chunk: Buffer | null;
    while ((chunk = stream.read() as Buffer | null) !== null) {
      head = head.length ? Buffer.concat([head, chunk]) : chunk;
      const v = protocolVersionOf(head);
      if (v === null && head.length < MAX_HEAD) continue;
      finish();
      route(v ?? 0, head);
      return;
    }
  };
  const timer = setTimeout(() => {
    if (done) return;
    finish();
    // Without an error: nobody listens for one any more, and a silent client is not worth a log line.
    stream.destroy();
  }, timeoutMs);
  stream.on("readable", onReadable);
  stream.once("end", onEnd);
  stream.once("error", onEnd);
}

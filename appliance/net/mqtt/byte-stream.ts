/**
 * The base of every stream the broker hands to aedes (TCP/TLS socket, WebSocket, MQTT 5 front end).
 * Why: under Bun, `read()` without a size returns only the first buffered chunk, where Node returns all of them.
 * aedes reads with `read(null)` and, when a packet is handled synchronously, reads again from inside the parser's
 * 'packet' event: with a second chunk waiting, its parser was re-entered and its state corrupted (packets consumed
 * twice, "Not supported", the connection dropped). Returning everything buffered, as Node does, leaves nothing
 * for that nested read.
 */
import { Duplex } from "node:stream";

/** A Duplex whose `read()` (no size) returns all buffered bytes at once, as in Node. */
export class ByteStream extends Duplex {
  override read(size?: number) {
    if (size == null && this.readableLength > 0) return super.read(this.readableLength);
    return super.read(size);
  }
}

/**
 * MQTT 5 in front of aedes 1.x (which speaks 3.1.1 only): each v5 connection is translated, packet by packet, into a
 * 3.1.1 connection that aedes serves like any other. So a v5 kiosk goes through the very same authentication,
 * ACL, retained messages, last will, keep-alive, QoS and take-over code as a 3.1.1 one, and both see each other's
 * messages. What v5 adds on top is answered here: reason codes (refused login, refused topic, invalid payload)
 * where 3.1.1 could only cut the connection, and clear refusals of what we do not support (see mqtt5-codes.ts).
 */
import mqtt, { type IConnectPacket, type IPublishPacket, type ISubscribePacket, type IUnsubscribePacket, type Packet } from "mqtt-packet";
import type { Duplex } from "node:stream";
import { connackProperties, connackReason, RC, REASON_TEXT } from "./mqtt5-codes";
import { Inner, type InnerOwner, type Mqtt5Host } from "./mqtt5-inner";
import { SubscriptionTable } from "./mqtt5-subs";

const V5 = { protocolVersion: 5 };
const V4 = { protocolVersion: 4 };
/** Packets a client may send between CONNECT and CONNACK (MQTT 5 §3.1.4): held until it is authenticated. */
const MAX_EARLY = 64;
/** Bytes waiting for a client that does not read; commands and acknowledgements are small, 1 MiB is far beyond. */
const MAX_UNREAD = 1024 * 1024;

/** One MQTT 5 connection: parses v5 from the client, speaks 3.1.1 to aedes, and translates the answers back. */
export class Mqtt5Front implements InnerOwner {
  private fromClient = mqtt.parser(V5);
  private fromAedes = mqtt.parser(V4);
  private inner: Inner;
  private state: "connecting" | "open" | "closed" = "connecting";
  private connectSeen = false;
  private early: Packet[] | null = [];
  private problemInfo = true;
  private maxOut = Infinity;
  private askedExpiry = 0;
  private subs = new SubscriptionTable();
  /** The client said DISCONNECT (normal): its will is dropped. */
  private disconnected = false;
  /** Why the broker is about to close this connection (sent to the client as a DISCONNECT reason code). */
  closeReason: number | null = null;

  constructor(
    private host: Mqtt5Host,
    private outer: Duplex,
    head: Buffer,
  ) {
    const ip = (outer as { remoteAddress?: string | null }).remoteAddress ?? null;
    this.inner = new Inner(this, ip);
    this.fromClient.on("packet", (p) => this.onClientPacket(p));
    this.fromClient.on("error", (e: Error) => {
      this.host.malformed(ip, e.message);
      this.fail(RC.malformed);
    });
    this.fromAedes.on("packet", (p) => this.onBrokerPacket(p));
    this.fromAedes.on("error", (e: Error) => {
      this.host.malformed(ip, `aedes: ${e.message}`);
      this.fail(RC.unspecified);
    });
    outer.on("data", (b: Buffer) => this.fromClient.parse(b));
    outer.on("end", () => this.clientGone());
    outer.on("close", () => this.clientGone());
    outer.on("error", () => this.clientGone());
    this.host.serve(this.inner);
    this.fromClient.parse(head);
  }

  /** aedes wants more input: let the client's bytes flow again. */
  readMore() {
    if (this.outer.isPaused()) this.outer.resume();
  }

  /** 3.1.1 bytes written by aedes: parsed, translated, sent to the client; `done` once the client's socket took them. */
  fromBroker(chunk: Buffer, done: (err?: Error | null) => void) {
    this.fromAedes.parse(chunk);
    // aedes's own slow-client handling (drainTimeout) then applies to the client's real socket.
    if (!this.outer.writableNeedDrain || this.outer.destroyed) return done();
    this.outer.once("drain", () => done());
  }

  /** aedes ended the connection (refused login, revocation, take-over, keep-alive, shutdown): tell the client why. */
  brokerClosed() {
    if (this.state === "closed") return;
    if (this.state === "open" && this.closeReason !== null) this.send({ cmd: "disconnect", reasonCode: this.closeReason, properties: this.reason(this.closeReason, true) });
    this.state = "closed";
    this.closeOuter();
  }

  private clientGone() {
    // After a normal DISCONNECT aedes closes its side itself, once it has read it.
    if (this.inner.destroyed || this.disconnected) return;
    this.state = "closed";
    // Without a DISCONNECT first, aedes takes this as an abnormal end and publishes the will.
    this.inner.destroy();
  }

  /** Ends the client's connection after what was sent (a client that stopped reading is just cut). */
  private closeOuter() {
    if (this.outer.writableNeedDrain) this.outer.destroy();
    else this.outer.end();
  }

  /** A protocol error from the client: DISCONNECT with the reason, then close (the will is published). */
  private fail(code: number) {
    if (this.state === "closed") return;
    if (this.state === "open") this.send({ cmd: "disconnect", reasonCode: code, properties: this.reason(code, true) });
    this.state = "closed";
    this.inner.destroy();
    this.closeOuter();
  }

  private reason(code: number, always = false) {
    const text = REASON_TEXT[code];
    return text && (always || this.problemInfo) ? { reasonString: text } : undefined;
  }

  private send(p: Packet) {
    if (this.outer.destroyed || !this.outer.writable) return;
    let buf: Buffer;
    try {
      buf = mqtt.generate(p, V5);
    } catch {
      return; // a packet mqtt-packet cannot encode: nothing sensible to send
    }
    // A client's Maximum Packet Size: a message that does not fit is not sent (MQTT 5 §3.1.2.11.4).
    if (buf.length > this.maxOut) return;
    this.outer.write(buf);
    // A client that sends but never reads (our PUBACKs pile up): cut it rather than buffer without end.
    if (this.outer.writableLength > MAX_UNREAD) this.outer.destroy();
  }

  private toBroker(p: Packet) {
    if (this.inner.destroyed) return;
    let buf: Buffer;
    try {
      buf = mqtt.generate(p, V4);
    } catch {
      return this.fail(RC.protocolError);
    }
    if (!this.inner.push(buf)) this.outer.pause();
  }

  /** A packet answered here never reaches aedes: keep its keep-alive timer in step all the same. */
  private touch() {
    this.inner.client?._keepaliveTimer?.refresh();
  }

  private onClientPacket(p: Packet) {
    if (this.state === "closed") return;
    if (!this.connectSeen) return p.cmd === "connect" ? this.onConnect(p) : this.fail(RC.protocolError);
    if (this.state === "connecting") {
      if (p.cmd === "connect" || this.early === null || this.early.length >= MAX_EARLY) return this.fail(RC.protocolError);
      this.early.push(p);
      return;
    }
    switch (p.cmd) {
      case "publish":
        return this.onPublish(p);
      case "subscribe":
        return this.onSubscribe(p);
      case "unsubscribe":
        return this.onUnsubscribe(p);
      case "puback":
      case "pubrec":
      case "pubrel":
      case "pubcomp":
        return this.toBroker({ cmd: p.cmd, messageId: p.messageId } as Packet);
      case "pingreq":
        return this.toBroker({ cmd: "pingreq" });
      case "disconnect":
        // Normal disconnection drops the will; any other reason (0x04 "with will", errors) publishes it.
        this.state = "closed";
        if (p.reasonCode === RC.success || p.reasonCode === undefined) {
          // aedes must read the DISCONNECT before it sees the end of the stream, or it would publish the will.
          this.toBroker({ cmd: "disconnect" });
          this.disconnected = true;
          this.inner.push(null);
        } else this.inner.destroy();
        this.closeOuter();
        return;
      default:
        // AUTH (no enhanced authentication), a second CONNECT, or a server-only packet.
        return this.fail(RC.protocolError);
    }
  }

  private onConnect(p: IConnectPacket) {
    this.connectSeen = true;
    const props = p.properties ?? {};
    if (props.authenticationMethod) return this.refuse(RC.badAuthMethod);
    if (p.password && !p.username) return this.refuse(RC.badCredentials);
    this.problemInfo = props.requestProblemInformation !== false;
    this.maxOut = props.maximumPacketSize ?? Infinity;
    this.askedExpiry = props.sessionExpiryInterval ?? 0;
    // No session outlives the connection (clean = true); the will keeps topic, payload, QoS and retain.
    const will = p.will ? { topic: p.will.topic, payload: p.will.payload, qos: p.will.qos, retain: p.will.retain } : undefined;
    this.toBroker({ cmd: "connect", protocolId: "MQTT", protocolVersion: 4, clean: true, clientId: p.clientId, keepalive: p.keepalive, username: p.username, password: p.password, will } as IConnectPacket);
  }

  private refuse(code: number) {
    this.send({ cmd: "connack", sessionPresent: false, reasonCode: code, properties: this.reason(code, true) });
    this.state = "closed";
    this.inner.destroy();
    this.closeOuter();
  }

  private onPublish(p: IPublishPacket) {
    // We advertise Topic Alias Maximum 0: an alias is a protocol error (§3.3.2.3.4).
    if (p.properties?.topicAlias !== undefined) return this.fail(RC.topicAliasInvalid);
    const payload = Buffer.isBuffer(p.payload) ? p.payload : Buffer.from(p.payload);
    const verdict = this.host.vetPublish(this.inner.client, p.topic, payload, p.retain);
    if (verdict !== "ok") {
      // v5 can refuse one message and keep the link (3.1.1 had to cut it).
      const code = verdict === "denied" ? RC.notAuthorized : RC.payloadFormatInvalid;
      this.touch();
      if (p.qos === 1) this.send({ cmd: "puback", messageId: p.messageId, reasonCode: code, properties: this.reason(code) });
      else if (p.qos === 2) this.send({ cmd: "pubrec", messageId: p.messageId, reasonCode: code, properties: this.reason(code) });
      return;
    }
    // Properties (user properties, content type, expiry…) are not carried: nothing on the appliance side reads them.
    this.toBroker({ cmd: "publish", topic: p.topic, payload, qos: p.qos, retain: p.retain, dup: p.dup, messageId: p.messageId } as IPublishPacket);
  }

  private onSubscribe(p: ISubscribePacket) {
    if (p.properties?.subscriptionIdentifier !== undefined) return this.fail(RC.subIdsNotSupported);
    const step = this.subs.subscribe(p);
    if (step.forward) return this.toBroker(step.forward);
    this.touch();
    this.send({ cmd: "suback", messageId: p.messageId!, granted: step.reply });
  }

  private onUnsubscribe(p: IUnsubscribePacket) {
    const step = this.subs.unsubscribe(p);
    if (step.forward) return this.toBroker(step.forward);
    this.touch();
    this.send({ cmd: "unsuback", messageId: p.messageId!, granted: step.reply } as Packet);
  }

  private onBrokerPacket(p: Packet) {
    switch (p.cmd) {
      case "connack": {
        const code = connackReason(p.returnCode ?? 0x80);
        if (code !== RC.success) return this.refuse(code);
        this.state = "open";
        this.send({ cmd: "connack", sessionPresent: false, reasonCode: RC.success, properties: connackProperties(this.askedExpiry) });
        const early = this.early ?? [];
        this.early = null;
        for (const q of early) this.onClientPacket(q);
        return;
      }
      case "suback": {
        const granted = this.subs.subscribed(p.messageId!, p.granted as number[]);
        if (granted) this.send({ cmd: "suback", messageId: p.messageId!, granted });
        return;
      }
      case "unsuback": {
        const granted = this.subs.unsubscribed(p.messageId!);
        if (granted) this.send({ cmd: "unsuback", messageId: p.messageId!, granted } as Packet);
        return;
      }
      case "publish":
        return this.send({ cmd: "publish", topic: p.topic, payload: p.payload, qos: p.qos, retain: p.retain, dup: p.dup, messageId: p.messageId } as IPublishPacket);
      case "puback":
      case "pubrec":
      case "pubrel":
      case "pubcomp":
        return this.send({ cmd: p.cmd, messageId: p.messageId, reasonCode: RC.success } as Packet);
      case "pingresp":
        return this.send({ cmd: "pingresp" });
    }
  }
}

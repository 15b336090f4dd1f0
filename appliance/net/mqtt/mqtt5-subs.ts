/**
 * SUBSCRIBE and UNSUBSCRIBE of one MQTT 5 connection: what the front end refuses itself (shared subscriptions,
 * invalid filters), what it asks aedes, and how aedes's 3.1.1 answers become MQTT 5 reason codes per filter.
 */
import type { ISubscribePacket, IUnsubscribePacket } from "mqtt-packet";
import { RC, validTopicFilter } from "./mqtt5-codes";

/** Either an answer to send the client at once, or a 3.1.1 packet to hand aedes (the answer comes with its ack). */
type Step<P> = { reply: number[]; forward?: undefined } | { reply?: undefined; forward: P };

/** A 3.1.1 SUBACK failure (what aedes returns when the ACL refuses a filter). */
const SUBACK_FAILURE = 128;

export class SubscriptionTable {
  /** Pending SUBACKs by packet id: our own code per filter (null = aedes decides) and the filters asked of aedes. */
  private subs = new Map<number, { entries: { code: number | null; topic: string }[]; topics: string[] }>();
  private unsubs = new Map<number, number[]>();
  /** Filters aedes granted, to tell an UNSUBSCRIBE of a real subscription (0x00) from one of nothing (0x11). */
  private granted = new Set<string>();

  /** A client's SUBSCRIBE (its packet id is mandatory, the parser checks it). */
  subscribe(p: ISubscribePacket): Step<ISubscribePacket> {
    const entries = p.subscriptions.map((s) => ({
      topic: s.topic,
      code: s.topic.startsWith("$share/") ? RC.sharedSubsNotSupported : !validTopicFilter(s.topic) ? RC.topicFilterInvalid : null,
    }));
    const topics = [...new Set(entries.filter((e) => e.code === null).map((e) => e.topic))];
    if (topics.length === 0) return { reply: entries.map((e) => e.code!) };
    const messageId = p.messageId!;
    this.subs.set(messageId, { entries, topics });
    // One subscription per filter, the last QoS asked winning (MQTT §3.8.4); aedes's SUBACK has one code each.
    // No-local, retain-as-published and retain handling have no 3.1.1 form: aedes applies its defaults.
    const qos = new Map(p.subscriptions.map((s) => [s.topic, s.qos]));
    return { forward: { cmd: "subscribe", messageId, subscriptions: topics.map((topic) => ({ topic, qos: qos.get(topic)! })) } };
  }

  /** aedes's SUBACK: the MQTT 5 reason codes for the client's SUBSCRIBE, or null if it was not ours. */
  subscribed(messageId: number, granted: number[]): number[] | null {
    const pending = this.subs.get(messageId);
    if (!pending) return null;
    this.subs.delete(messageId);
    const byTopic = new Map(pending.topics.map((t, i) => [t, granted[i] ?? SUBACK_FAILURE]));
    for (const [t, g] of byTopic) if (g !== SUBACK_FAILURE) this.granted.add(t);
    return pending.entries.map((e) => {
      if (e.code !== null) return e.code;
      const g = byTopic.get(e.topic)!;
      return g === SUBACK_FAILURE ? RC.notAuthorized : g;
    });
  }

  /** A client's UNSUBSCRIBE. */
  unsubscribe(p: IUnsubscribePacket): Step<IUnsubscribePacket> {
    const codes = p.unsubscriptions.map((t) => (!validTopicFilter(t) ? RC.topicFilterInvalid : this.granted.delete(t) ? RC.success : RC.noSubscriptionExisted));
    const valid = p.unsubscriptions.filter(validTopicFilter);
    if (valid.length === 0) return { reply: codes };
    this.unsubs.set(p.messageId!, codes);
    return { forward: { cmd: "unsubscribe", messageId: p.messageId!, unsubscriptions: valid } };
  }

  /** aedes's UNSUBACK: the MQTT 5 reason codes, or null if it was not ours. */
  unsubscribed(messageId: number): number[] | null {
    const codes = this.unsubs.get(messageId);
    this.unsubs.delete(messageId);
    return codes ?? null;
  }
}

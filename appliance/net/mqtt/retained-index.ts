/**
 * aedes's in-memory persistence with its retained messages found by topic instead of by scanning them all.
 * Why: at every SUBSCRIBE aedes asks the persistence for the retained messages matching each topic filter, and the
 * memory store tests every retained message against it (a trie built for the filter, each topic split in words).
 * Every kiosk keeps a retained status, so with 2,000 kiosks each subscription walked up to 2,000 messages twice (cmd
 * and res): a mass (re)connection did about 4 million matches, and JavaScriptCore's GC log counted ~1 GB allocated
 * during it (133 MB with this index; the 2,000 connections took 1.4 s instead of 3–4.6 s). A kiosk subscribes to
 * exact topics (the ACL allows nothing else), which are now one map lookup; a filter with wildcards still scans.
 */
import memory from "aedes-persistence";
import { Readable } from "node:stream";

/** A retained message as aedes stores it (its own packet type). */
interface RetainedPacket {
  topic: string;
  payload: Buffer | Uint8Array;
  [k: string]: unknown;
}

/** Whether an MQTT topic filter matches a topic name ('+': one level, '#': this level and all below). */
export function topicMatches(filter: string, topic: string): boolean {
  // [MQTT-4.7.2-1] a filter starting with a wildcard does not match topics starting with '$'.
  if (topic.startsWith("$") && (filter.startsWith("+") || filter.startsWith("#"))) return false;
  const f = filter.split("/");
  const t = topic.split("/");
  for (let i = 0; i < f.length; i++) {
    if (f[i] === "#") return true;
    if (i >= t.length) return false;
    if (f[i] !== "+" && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

/** Retained messages by topic; a subscription with an exact topic is one lookup. */
export class RetainedIndex {
  private byTopic = new Map<string, RetainedPacket>();

  /** Stores a retained message (a copy, as aedes's memory store does); an empty payload clears the topic. */
  store(packet: RetainedPacket) {
    if (packet.payload.length === 0) this.byTopic.delete(packet.topic);
    else this.byTopic.set(packet.topic, { ...packet });
  }

  /** The retained messages matching each filter in turn (as aedes's memory store: one per filter it matches). */
  match(filters: string[]): RetainedPacket[] {
    const out: RetainedPacket[] = [];
    for (const f of filters) {
      if (!f.includes("+") && !f.includes("#")) {
        const p = this.byTopic.get(f);
        if (p) out.push(p);
      } else for (const [t, p] of this.byTopic) if (topicMatches(f, t)) out.push(p);
    }
    return out;
  }

  get size() {
    return this.byTopic.size;
  }
}

/** aedes's memory persistence whose retained messages live in a RetainedIndex (everything else unchanged). */
export function indexedMemoryPersistence() {
  const p = memory();
  const retained = new RetainedIndex();
  // aedes calls these three for retained messages (storeRetained with or without a callback, as the memory store
  // accepts both); own properties shadow the store's methods, whose scanned map then stays empty.
  Object.assign(p, {
    storeRetained(packet: RetainedPacket, cb?: (err: Error | null) => void) {
      retained.store(packet);
      if (cb) return void cb(null);
      return Promise.resolve();
    },
    createRetainedStream: (filter: string) => Readable.from(retained.match([filter])),
    createRetainedStreamCombi: (filters: string[]) => Readable.from(retained.match(filters)),
  });
  return Object.assign(p, { retained });
}

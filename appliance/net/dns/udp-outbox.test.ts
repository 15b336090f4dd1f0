/**
 * UdpOutbox on its own: when replies leave, in which order, and what happens when the kernel takes only
 * part of a batch or refuses it. The socket is a stand-in recording what it was given (a real socket
 * cannot be made to refuse on demand); the burst tests in test/burst.test.ts use the real one.
 */
import { describe, expect, test } from "bun:test";
import { MAX_QUEUED, SEND_BATCH, UdpOutbox, type BatchSender } from "./udp-outbox";

/** Records what went out; `accept` decides how many packets of each call the "kernel" takes (or throws). */
function fakeSocket(accept: (offered: number, call: number) => number) {
  const sent: string[] = [];
  const calls: number[] = [];
  const sock: BatchSender = {
    sendMany(packets) {
      const offered = packets.length / 3;
      calls.push(offered);
      const n = accept(offered, calls.length - 1);
      for (let i = 0; i < n; i++) sent.push(`${new TextDecoder().decode(packets[3 * i] as Uint8Array)}@${packets[3 * i + 2]}:${packets[3 * i + 1]}`);
      return n;
    },
  };
  return { sock, sent, calls };
}

const reply = (i: number) => new TextEncoder().encode(`r${i}`);
const turn = () => new Promise((r) => setImmediate(r));
const expected = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => `r${from + k}@10.0.0.${(from + k) % 3}:${5000 + from + k}`);

function push(box: UdpOutbox, from: number, to: number) {
  for (let i = from; i < to; i++) box.push(reply(i), 5000 + i, `10.0.0.${i % 3}`);
}

describe("envoi par lots", () => {
  test("une rafale part par lots de SEND_BATCH pendant la lecture, le reste avant le tour suivant, dans l'ordre", async () => {
    const f = fakeSocket((n) => n);
    const box = new UdpOutbox(() => f.sock, { sendDropped: 0, sendErrors: 0 });
    push(box, 0, SEND_BATCH * 2 + 5);
    expect(f.calls).toEqual([SEND_BATCH, SEND_BATCH]);
    await turn();
    expect(f.calls).toEqual([SEND_BATCH, SEND_BATCH, 5]);
    expect(f.sent).toEqual(expected(0, SEND_BATCH * 2 + 5));
    expect(box.pending).toBe(0);
  });

  test("le noyau n'en prend qu'une partie : le reste repart en premier, rien de perdu ni de désordonné", async () => {
    // First call: 3 of 16 taken; second: nothing (send buffer still full); then everything.
    const f = fakeSocket((n, call) => (call === 0 ? 3 : call === 1 ? 0 : n));
    const counters = { sendDropped: 0, sendErrors: 0 };
    const box = new UdpOutbox(() => f.sock, counters);
    push(box, 0, SEND_BATCH);
    expect(f.sent.length).toBe(3);
    push(box, SEND_BATCH, SEND_BATCH + 40);
    // Nothing is tried while the retry is pending: the new replies queue behind the refused ones.
    expect(f.calls.length).toBe(1);
    for (let t = 0; t < 50 && box.pending; t++) await Bun.sleep(2);
    expect(f.sent).toEqual(expected(0, SEND_BATCH + 40));
    expect(counters).toEqual({ sendDropped: 0, sendErrors: 0 });
  });

  test("EAGAIN (tampon d'envoi plein dès le premier paquet) : réessayé plus tard, rien de perdu", async () => {
    const f = fakeSocket((n, call) => {
      if (call < 2) throw Object.assign(new Error("EAGAIN"), { code: "EAGAIN" });
      return n;
    });
    const counters = { sendDropped: 0, sendErrors: 0 };
    const box = new UdpOutbox(() => f.sock, counters);
    push(box, 0, 20);
    for (let t = 0; t < 50 && box.pending; t++) await Bun.sleep(2);
    expect(f.sent).toEqual(expected(0, 20));
    expect(counters).toEqual({ sendDropped: 0, sendErrors: 0 });
  });

  test("une adresse que le noyau refuse toujours ne coûte que sa propre réponse", async () => {
    // The reply for 10.0.0.1 port 5004 fails whenever it is first in a batch.
    const f = fakeSocket((n, _call) => n);
    let poisonedCalls = 0;
    const inner = f.sock.sendMany.bind(f.sock);
    f.sock.sendMany = (packets) => {
      if (packets[1] === 5004) {
        poisonedCalls++;
        throw Object.assign(new Error("EINVAL"), { code: "EINVAL" });
      }
      // The kernel stops before a bad destination: everything before it went out.
      const bad = packets.findIndex((p, i) => i % 3 === 1 && p === 5004);
      return bad < 0 ? inner(packets) : inner(packets.slice(0, bad - 1));
    };
    const counters = { sendDropped: 0, sendErrors: 0 };
    const box = new UdpOutbox(() => f.sock, counters);
    push(box, 0, 10);
    await turn();
    for (let t = 0; t < 50 && box.pending; t++) await Bun.sleep(2);
    expect(f.sent).toEqual(expected(0, 10).filter((s) => !s.endsWith(":5004")));
    expect(poisonedCalls).toBe(2);
    expect(counters).toEqual({ sendDropped: 1, sendErrors: 2 });
  });

  test("file bornée quand le noyau refuse tout : les réponses en trop sont comptées comme perdues", async () => {
    let open = false;
    const f = fakeSocket((n) => (open ? n : 0));
    const counters = { sendDropped: 0, sendErrors: 0 };
    const box = new UdpOutbox(() => f.sock, counters);
    push(box, 0, MAX_QUEUED + 100);
    expect(box.pending).toBe(MAX_QUEUED);
    expect(counters.sendDropped).toBe(100);
    open = true;
    box.drain();
    expect(box.pending).toBe(0);
    expect(f.sent).toEqual(expected(0, MAX_QUEUED));
  });

  test("socket fermé : la file est vidée sans erreur", async () => {
    const box = new UdpOutbox(() => null, { sendDropped: 0, sendErrors: 0 });
    push(box, 0, 5);
    await turn();
    expect(box.pending).toBe(0);
  });
});

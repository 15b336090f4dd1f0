/**
 * Client groups by MAC address, learnt from the kernel's ARP table: a client in a network namespace of its
 * own (veth pair, fixed MAC) queries the daemon bound to the host side of the link.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { $ } from "bun";
import { startDnsEnv, type DnsTestEnv } from "./harness";
import { dig } from "./tools";

const ns = `gdns${process.pid % 100000}`;
const net = `10.231.${1 + Math.floor(Math.random() * 250)}`;
const MAC = "52:54:00:aa:bb:07";
let env: DnsTestEnv;

beforeAll(async () => {
  await $`ip netns add ${ns}`;
  await $`ip link add ${ns}h type veth peer name ${ns}c`;
  await $`ip link set ${ns}c netns ${ns}`;
  await $`ip addr add ${net}.1/24 dev ${ns}h`;
  await $`ip link set ${ns}h up`;
  await $`ip netns exec ${ns} ip link set ${ns}c address ${MAC}`;
  await $`ip netns exec ${ns} ip addr add ${net}.2/24 dev ${ns}c`;
  await $`ip netns exec ${ns} ip link set ${ns}c up`;
  env = await startDnsEnv({ host: `${net}.1` });
  const list = await env.ok<any>(env.owner.post("/api/dns/lists", { name: "Kiosques", kind: "local", content: "||reseau-social.test^\n" }));
  const def = (await env.ok<any[]>(env.owner.get("/api/dns/groups"))).find((g) => g.isDefault);
  await env.ok(env.owner.patch(`/api/dns/groups/${def.id}`, { listIds: [] }));
  // Written with dashes and capitals, as copied from a sticker: normalized by the API.
  await env.ok(env.owner.post("/api/dns/groups", { name: "Kiosque par MAC", clients: ["52-54-00-AA-BB-07"], listIds: [list.id] }));
}, 30_000);

afterAll(async () => {
  await env?.stop();
  await $`ip netns del ${ns}`.nothrow();
  await $`ip link del ${ns}h`.nothrow().quiet();
});

test("le poste dont la MAC est listée reçoit la politique de son groupe ; les autres non", async () => {
  const fromKiosk = async (name: string) => {
    const p = Bun.spawn(["ip", "netns", "exec", ns, "dig", "+time=2", "+tries=1", "+short", `@${net}.1`, "-p", String(env.svc.port), name], { stdout: "pipe" });
    const out = await new Response(p.stdout).text();
    await p.exited;
    return out.trim();
  };
  expect(await fromKiosk("reseau-social.test")).toBe("0.0.0.0");
  expect(await fromKiosk("www.zone.test")).toBe("192.0.2.10");
  // The host itself (no MAC in the ARP table for its own address) falls in the default group.
  const host = await dig([`@${net}.1`, "-p", String(env.svc.port), "-b", `${net}.1`, "reseau-social.test"]);
  expect(host.answers[0]?.data).toBe("192.0.2.99");
  const log = await env.ok<any>(env.owner.get("/api/dns/log?status=blocked"));
  expect(log.items[0]).toMatchObject({ client: `${net}.2`, group: "Kiosque par MAC", name: "reseau-social.test" });
});

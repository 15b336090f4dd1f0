// The compiled agent (linux-x64): built into a temp folder, started outside the repository, it enrols and serves
// its embedded lock screen. The Windows build is checked to be a PE executable (it cannot run here).
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildAgent } from "../../scripts/build-agent";
import { prepareEpn, startAgent, startApplianceWithBroker, waitFor, type AgentProcess } from "../../appliance/net/mqtt/test/processes";
import type { ApplianceProcess } from "../../scripts/test/appliance-process";

let app: ApplianceProcess | null = null;
let agent: AgentProcess | null = null;
afterAll(async () => {
  await agent?.stop();
  await app?.stop();
});

test("binaires linux-x64 et windows-x64 ; le binaire Linux s'enrôle et sert l'écran embarqué", async () => {
  const dir = mkdtempSync(join(tmpdir(), "guichet-agent-bin-"));
  const built = await buildAgent({ outDir: join(dir, "dist"), workDir: join(dir, "work"), quiet: true });
  const linux = built.find((b) => b.target === "linux-x64")!;
  const win = built.find((b) => b.target === "windows-x64")!;
  expect(readFileSync(win.file).subarray(0, 2).toString()).toBe("MZ"); // PE header
  expect(readFileSync(linux.file).subarray(1, 4).toString()).toBe("ELF");

  app = await startApplianceWithBroker(join(dir, "appliance"));
  const { token } = await prepareEpn(app.url);
  agent = await startAgent({ GUICHET_AGENT_APPLIANCE: app.url, GUICHET_AGENT_ENROL_TOKEN: token, GUICHET_AGENT_HOSTNAME: "binaire-pc" }, join(dir, "agent-data"), [linux.file]);
  await waitFor(async () => (await agent!.state()).phase === "free", 15_000, "poste prêt");
  const html = await (await fetch(agent.url + "/")).text();
  expect(html).toContain("/assets/kiosk.js");
  const js = await fetch(agent.url + "/assets/kiosk.js");
  expect(js.status).toBe(200);
  expect((await js.text()).length).toBeGreaterThan(5000);
  // Credentials were stored, readable by the agent only.
  const st = Bun.file(join(dir, "agent-data", "credentials.json"));
  expect(await st.exists()).toBe(true);
  expect((await import("node:fs")).statSync(join(dir, "agent-data", "credentials.json")).mode & 0o777).toBe(0o600);
}, 120_000);

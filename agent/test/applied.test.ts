// A command id is applied once, even across an agent restart (the reboot it caused), and the memory stays bounded.
import { expect, test } from "bun:test";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AgentStore } from "../store";
import { AppliedCommands } from "../applied";

test("un identifiant de commande appliqué est reconnu après redémarrage de l'agent", () => {
  const dir = mkdtempSync(join(tmpdir(), "guichet-applied-"));
  const a = new AppliedCommands(new AgentStore(dir));
  expect(a.has("cmd-1")).toBe(false);
  a.add("cmd-1");
  expect(a.has("cmd-1")).toBe(true);
  const after = new AppliedCommands(new AgentStore(dir));
  expect(after.has("cmd-1")).toBe(true);
  expect(after.has("cmd-2")).toBe(false);
});

test("seuls les 100 derniers sont gardés, sans toucher au reste de l'état", () => {
  const dir = mkdtempSync(join(tmpdir(), "guichet-applied-"));
  const store = new AgentStore(dir);
  store.saveState({ ...store.state(), locked: true });
  const a = new AppliedCommands(store);
  for (let i = 0; i < 150; i++) a.add(`cmd-${i}`);
  expect(a.has("cmd-49")).toBe(false);
  expect(a.has("cmd-50")).toBe(true);
  const st = JSON.parse(readFileSync(join(dir, "state.json"), "utf8"));
  expect(st.appliedCommands).toHaveLength(100);
  expect(st.locked).toBe(true);
});

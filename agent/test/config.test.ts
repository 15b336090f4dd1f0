// Agent settings: defaults, env and --flags, and a French message naming the variable for each bad value.
import { describe, expect, test } from "bun:test";
import { AgentConfigError, loadAgentConfig } from "../config";

describe("configuration de l'agent", () => {
  test("valeurs par défaut et surcharge par l'environnement puis par option", () => {
    const c = loadAgentConfig({ GUICHET_AGENT_DATA_DIR: "/tmp/a", GUICHET_AGENT_APPLIANCE: "http://guichet.local:8080/", GUICHET_AGENT_WIPE_DIRS: "/home/public/Documents:/home/public/Téléchargements" }, ["--ui-port=9000", "--data-dir=/tmp/b"]);
    expect(c.dataDir).toBe("/tmp/b");
    expect(c.applianceUrl).toBe("http://guichet.local:8080");
    expect(c.uiPort).toBe(9000);
    expect(c.wipeDirs).toEqual(["/home/public/Documents", "/home/public/Téléchargements"]);
    expect(c.heartbeatSeconds).toBe(5);
    expect(c.rebootCommand).toBe("systemctl reboot");
    expect(c.inputDir).toBe("/dev/input");
    expect(loadAgentConfig({ GUICHET_AGENT_INPUT_DIR: "/tmp/entrees/" }, []).inputDir).toBe("/tmp/entrees");
  });

  test.each([
    [{ GUICHET_AGENT_APPLIANCE: "guichet.local" }, /GUICHET_AGENT_APPLIANCE.*adresse invalide/],
    [{ GUICHET_AGENT_APPLIANCE: "ftp://guichet.local" }, /GUICHET_AGENT_APPLIANCE.*http: ou https:/],
    [{ GUICHET_AGENT_MQTT_URL: "http://x:1883" }, /GUICHET_AGENT_MQTT_URL.*mqtt:/],
    [{ GUICHET_AGENT_UI_PORT: "70000" }, /GUICHET_AGENT_UI_PORT.*entre 0 et 65535/],
    [{ GUICHET_AGENT_HEARTBEAT_SECONDS: "0" }, /GUICHET_AGENT_HEARTBEAT_SECONDS/],
    [{ GUICHET_AGENT_WIPE_DIRS: "/" }, /racine du disque/],
    [{ GUICHET_AGENT_DATA_DIR: " " }, /GUICHET_AGENT_DATA_DIR ne peut pas être vide/],
    [{ GUICHET_AGENT_INPUT_DIR: "" }, /GUICHET_AGENT_INPUT_DIR ne peut pas être vide/],
  ])("%o refusé", (env, msg) => {
    expect(() => loadAgentConfig(env as Record<string, string>, [])).toThrow(AgentConfigError);
    expect(() => loadAgentConfig(env as Record<string, string>, [])).toThrow(msg);
  });
});

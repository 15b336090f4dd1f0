/** Enrolment: presents the token once to the appliance and stores the credentials it returns. */
import { hostname } from "node:os";
import type { AgentConfig } from "./config";
import type { AgentStore, Credentials } from "./store";

/** An enrolment that failed, with a French reason (refused token, appliance unreachable). */
export class EnrolError extends Error {
  constructor(
    message: string,
    /** True when trying again later may work (network); false when the token itself was refused. */
    readonly retry: boolean,
  ) {
    super(message);
  }
}

/** The broker URL: the configured one, or the appliance's host with the port and TLS mode enrolment gave. */
export function mqttUrlFor(cfg: AgentConfig, appliance: string, mqtt: { port: number; tls: boolean }) {
  if (cfg.mqttUrl) return cfg.mqttUrl;
  const u = new URL(appliance);
  return `${mqtt.tls ? "mqtts" : "mqtt"}://${u.hostname}:${mqtt.port}`;
}

/** Calls POST /api/mqtt/enrol and saves the credentials (mode 0600). */
export async function enrol(cfg: AgentConfig, store: AgentStore): Promise<Credentials> {
  if (!cfg.applianceUrl || !cfg.enrolToken) throw new EnrolError("Poste non enregistré : indiquez l'adresse du Guichet (GUICHET_AGENT_APPLIANCE) et un jeton d'enrôlement (GUICHET_AGENT_ENROL_TOKEN).", false);
  let res: Response;
  try {
    res = await fetch(`${cfg.applianceUrl}/api/mqtt/enrol`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token: cfg.enrolToken, hostname: (cfg.hostname ?? hostname()).slice(0, 100) }),
      signal: AbortSignal.timeout(10_000),
    });
  } catch {
    throw new EnrolError(`Le Guichet (${cfg.applianceUrl}) ne répond pas : nouvel essai dans quelques secondes.`, true);
  }
  const body = (await res.json().catch(() => null)) as any;
  if (!res.ok) throw new EnrolError(body?.error?.message ?? `Enrôlement refusé (HTTP ${res.status}).`, res.status >= 500 || res.status === 429);
  const creds: Credentials = {
    applianceUrl: cfg.applianceUrl,
    mqttUrl: mqttUrlFor(cfg, cfg.applianceUrl, body.mqtt),
    orgId: body.orgId,
    workstationId: body.workstationId,
    name: body.name,
    username: body.username,
    password: body.password,
  };
  store.saveCredentials(creds);
  return creds;
}

/**
 * The kiosk's behaviour: code → session, countdown on the monotonic clock, warnings at 5 and 1 minutes, staff
 * commands, end of session with wipe, offline counting with an outbox, and reconciliation when the link returns.
 */
import { hostname } from "node:os";
import { MAX_SECONDS, newId, type Command, type Event, type SessionInfo, type SessionSyncResult, type Status } from "./protocol";
import { ApplianceLink, LinkError } from "./link";
import type { AgentConfig } from "./config";
import type { AgentStore, Credentials } from "./store";
import { wipe } from "./wipe";
import { runCommand } from "./power";
import { collectInventory, primaryInterface } from "./inventory";
import { AGENT_VERSION, type AgentLog } from "./log";
import { Outbox } from "./outbox";
import { AppliedCommands } from "./applied";
import { END_NOTICE, type EndReason, type KioskView, type Phase } from "./view";
import { createIdleSource, type IdleSource } from "./idle";

export type { KioskView, Phase } from "./view";

/** Monotonic milliseconds: a kiosk whose wall clock jumps still ends sessions on time. */
const mono = () => performance.now();

export class Kiosk {
  readonly link: ApplianceLink;
  /** `startedAt`: when this agent began counting the session (monotonic), the floor of its idle time. */
  private session: { id: string; label: string; deadline: number; startedAt: number } | null = null;
  private locked: boolean;
  private warned = new Set<5 | 1>();
  private messages: KioskView["messages"] = [];
  private notice: string | null = null;
  private lastEnded: KioskView["lastEnded"] = null;
  private outbox: Outbox;
  private applied: AppliedCommands;
  private seq = 0;
  private started = mono();
  private timers: ReturnType<typeof setInterval>[] = [];
  private everConnected = false;
  /** Set when the broker refuses our credentials; cleared by a successful connection. */
  private revoked = false;
  private idle: IdleSource;

  constructor(
    private cfg: AgentConfig,
    private store: AgentStore,
    private creds: Credentials,
    private log: AgentLog,
  ) {
    this.idle = createIdleSource(cfg.inputDir, log);
    const st = store.state();
    this.locked = st.locked;
    this.link = new ApplianceLink(creds, { connected: () => void this.onConnected(), disconnected: () => this.onDisconnected(), command: (c) => void this.command(c), invalid: (r) => log.warn(`message invalide ignoré : ${r}`), refused: () => this.onRefused() }, { keepaliveSeconds: cfg.keepaliveSeconds });
    this.outbox = new Outbox(store, this.link, log);
    this.applied = new AppliedCommands(store);
    // A session running when the agent stopped goes on until its end (the appliance corrects it at the next sync).
    if (st.session) {
      const left = Date.parse(st.session.endsAtWall) - Date.now();
      this.session = { id: st.session.id, label: st.session.label, deadline: mono() + Math.max(0, left), startedAt: mono() };
    }
  }

  start() {
    this.idle.start();
    this.link.start();
    this.timers.push(setInterval(() => this.tick(), 250));
    this.timers.push(setInterval(() => this.heartbeat(), this.cfg.heartbeatSeconds * 1000));
    this.timers.push(setInterval(() => void this.inventoryIfDue(), 3600_000));
    this.tick();
  }

  async stop() {
    for (const t of this.timers) clearInterval(t);
    this.idle.stop();
    // A clean stop sends no last will: say "offline" ourselves so the room view does not wait for a timeout.
    await this.link.publish("status", { v: 1, state: "offline", at: new Date().toISOString() }, { retain: true }).catch(() => {});
    await this.link.stop();
  }

  /** The lock screen's state. */
  view(): KioskView {
    const phase: Phase = this.locked ? "locked" : this.session ? "in_use" : this.link.connected ? "free" : "unreachable";
    return {
      phase,
      connected: this.link.connected,
      workstation: this.creds.name,
      session: this.session ? { id: this.session.id, label: this.session.label, remainingS: this.remaining() } : null,
      idleSeconds: this.idleSeconds(),
      warning: this.session ? (this.warned.has(1) ? 1 : this.warned.has(5) ? 5 : null) : null,
      messages: this.messages,
      notice: this.revoked && !this.session ? "Ce poste n'est plus autorisé par le Guichet : il reste verrouillé. Adressez-vous à l'accueil." : this.notice,
      lastEnded: this.lastEnded,
      pendingEvents: this.outbox.size,
    };
  }

  /**
   * The patron's idle time in the running session: since the last input, but never more than the session's age
   * (input before it belonged to the previous patron, or to nobody); null without a session or an input device.
   */
  private idleSeconds(): number | null {
    const idle = this.session ? this.idle.idleSeconds() : null;
    if (idle === null || !this.session) return null;
    return Math.min(idle, Math.floor((mono() - this.session.startedAt) / 1000), MAX_SECONDS);
  }

  private remaining() {
    return this.session ? Math.max(0, Math.ceil((this.session.deadline - mono()) / 1000)) : 0;
  }

  /** The patron typed a code: the appliance decides (French refusal shown as is). */
  async openSession(code: string): Promise<KioskView> {
    if (this.locked) throw new LinkError("Ce poste est verrouillé par l'animateur.", "locked");
    if (this.session) throw new LinkError("Une session est déjà ouverte sur ce poste.", "session_running");
    let s: SessionInfo;
    try {
      s = await this.link.ask<SessionInfo>({ op: "session.open", code });
    } catch (e) {
      // A late answer may mean the server did open it: ask what it believes, so the kiosk is not left behind.
      if (e instanceof LinkError && e.code === "unreachable" && this.link.connected) void this.sync();
      throw e;
    }
    this.notice = null;
    this.lastEnded = null;
    this.adopt(s);
    this.log.info(`session ouverte (${s.remainingS} s)`);
    return this.view();
  }

  /** Starts counting down the server's time left. */
  private adopt(s: SessionInfo) {
    // A resync of the same session keeps its start: only a new session restarts the idle floor.
    const startedAt = this.session?.id === s.id ? this.session.startedAt : mono();
    this.session = { id: s.id, label: s.label || this.session?.label || "Bonjour", deadline: mono() + s.remainingS * 1000, startedAt };
    this.resetWarnings();
    this.persist();
    void this.publishStatus();
  }

  private resetWarnings() {
    const left = this.remaining();
    if (left > 300) this.warned.delete(5);
    if (left > 60) this.warned.delete(1);
  }

  /** Ends the running session: wipe, events into the outbox (sent now or when the link returns), lock screen. */
  async endSession(reason: EndReason) {
    const s = this.session;
    if (!s) return;
    this.session = null;
    this.warned.clear();
    this.messages = [];
    const endedAt = new Date().toISOString();
    const offline = !this.link.connected;
    this.lastEnded = { id: s.id, reason, endedAt, offline };
    this.persist();
    this.outbox.add({ v: 1, eventId: newId(), type: "session.ended", sessionId: s.id, reason, endedAt, offline });
    const w = wipe(this.cfg.wipeDirs, this.cfg.browserProfile);
    if (!w.ok) this.log.warn(`nettoyage incomplet : ${w.errors.join(" ; ")}`);
    this.outbox.add({ v: 1, eventId: newId(), type: "wipe.done", sessionId: s.id, ok: w.ok, removed: w.removed, errors: w.errors });
    this.notice = END_NOTICE[reason];
    this.log.info(`session terminée (${reason}${offline ? ", hors ligne" : ""}), ${w.removed} élément(s) effacé(s)`);
    void this.outbox.flush();
    void this.publishStatus();
    if (this.cfg.rebootAfterSession) await this.power("reboot");
  }

  /** The patron's "signaler un problème": kept in the outbox until the appliance has it. */
  reportProblem(category: Extract<Event, { type: "problem.reported" }>["category"], text: string) {
    this.outbox.add({ v: 1, eventId: newId(), type: "problem.reported", sessionId: this.session?.id ?? null, category, text: text.slice(0, 2000), at: new Date().toISOString() });
    void this.outbox.flush();
  }

  /** The patron closed an animateur's message. */
  dismissMessage(id: string) {
    this.messages = this.messages.filter((m) => m.id !== id);
  }

  private tick() {
    if (!this.session) return;
    const left = this.remaining();
    if (left <= 0) return void this.endSession("time");
    if (left <= 60 && !this.warned.has(1)) this.warn(1);
    else if (left <= 300 && left > 60 && !this.warned.has(5)) this.warn(5);
  }

  private warn(minutes: 5 | 1) {
    this.warned.add(minutes);
    if (minutes === 1) this.warned.add(5);
    const text = minutes === 5 ? "Il vous reste 5 minutes : pensez à enregistrer votre travail." : "Il vous reste 1 minute : enregistrez votre travail maintenant.";
    if (this.cfg.notifyCommand) void runCommand(this.cfg.notifyCommand, ["Guichet", text]);
  }

  private async command(c: Command) {
    // A command sent again after a lost link: applied once, acknowledged again.
    if (this.applied.has(c.id)) return void this.link.publish("ack", { v: 1, id: c.id, ok: true }).catch(() => {});
    if (c.type !== "ping") this.applied.add(c.id);
    let ok = true;
    let error: string | undefined;
    switch (c.type) {
      case "lock":
      case "unlock":
        this.locked = c.type === "lock";
        this.persist();
        break;
      case "message":
        this.messages = [...this.messages, { id: c.id, text: c.text ?? "", at: new Date().toISOString() }].slice(-5);
        if (this.cfg.notifyCommand && c.text) void runCommand(this.cfg.notifyCommand, ["Message de l'animateur", c.text]);
        break;
      case "extend":
        if (this.session && c.remainingS !== undefined && (!c.sessionId || c.sessionId === this.session.id)) {
          this.session.deadline = mono() + c.remainingS * 1000;
          this.resetWarnings();
          this.persist();
          this.messages = [...this.messages, { id: c.id, text: `Votre session a été prolongée : il vous reste ${Math.round(c.remainingS / 60)} minute(s).`, at: new Date().toISOString() }].slice(-5);
        } else [ok, error] = [false, "aucune session correspondante sur le poste"];
        break;
      case "logout":
        // A logout queued for an earlier session (delivered late) must not end the next patron's.
        if (this.session && (!c.sessionId || c.sessionId === this.session.id)) await this.endSession(c.text === "inactivity" ? "inactivity" : c.text === "time_up" ? "time" : "command");
        break;
      case "reboot":
      case "shutdown":
        // Acknowledged first: once the machine goes down nobody can say it got the order.
        await this.link.publish("ack", { v: 1, id: c.id, ok: true }).catch(() => {});
        await this.endSession("command");
        await this.power(c.type);
        return;
      case "ping":
        break;
    }
    void this.publishStatus();
    await this.link.publish("ack", { v: 1, id: c.id, ok, ...(error ? { error } : {}) }).catch(() => {});
  }

  private async power(what: "reboot" | "shutdown") {
    const cmd = what === "reboot" ? this.cfg.rebootCommand : this.cfg.shutdownCommand;
    this.log.info(`${what === "reboot" ? "redémarrage" : "arrêt"} demandé : ${cmd}`);
    const code = await runCommand(cmd);
    if (code !== 0) this.log.warn(`la commande « ${cmd} » a échoué (code ${code})`);
  }

  private async onConnected() {
    const first = !this.everConnected;
    this.revoked = false;
    this.everConnected = true;
    this.log.info(first ? "relié au Guichet" : "liaison avec le Guichet rétablie");
    await this.publishStatus();
    // What happened offline goes first, then the server's view settles the rest.
    await this.outbox.flush();
    await this.sync();
    await this.inventoryIfDue();
  }

  private onRefused() {
    if (this.revoked) return;
    this.revoked = true;
    this.log.error("le Guichet refuse l'identité de ce poste (poste révoqué ?) : il faut le réenregistrer");
  }

  private onDisconnected() {
    this.log.warn("liaison avec le Guichet perdue" + (this.session ? " : la session continue et se terminera à l'heure" : ""));
  }

  /** Reconciles with the server, the source of truth for the time left and the lock. */
  private async sync() {
    let r: SessionSyncResult;
    try {
      r = await this.link.ask<SessionSyncResult>({ op: "session.sync", sessionId: this.session?.id ?? null });
    } catch (e) {
      this.log.warn(`synchronisation impossible : ${(e as Error).message}`);
      return;
    }
    if (this.locked !== r.locked) {
      this.locked = r.locked;
      this.persist();
    }
    const local = this.session;
    if (local && (!r.session || r.session.id !== local.id)) await this.endSession("command");
    // The server's session (the same one with its true time left, or one opened before an agent restart).
    if (r.session) this.adopt({ ...r.session, label: r.session.label || local?.label || "Bonjour" });
    void this.publishStatus();
  }

  private heartbeat() {
    if (!this.link.connected) return;
    const session = this.session ? { id: this.session.id, remainingS: this.remaining() } : null;
    const idle = this.idleSeconds();
    this.link.publish("heartbeat", { v: 1, seq: this.seq++, at: new Date().toISOString(), uptimeS: Math.floor((mono() - this.started) / 1000), session, ...(idle === null ? {} : { idleSeconds: idle }) }, { qos: 0 }).catch(() => {});
  }

  private async publishStatus() {
    if (!this.link.connected) return;
    const net = primaryInterface();
    const st: Status = {
      v: 1,
      state: this.locked ? "locked" : this.session ? "in_use" : "free",
      at: new Date().toISOString(),
      sessionId: this.session?.id ?? null,
      ...(this.session ? { remainingS: this.remaining() } : {}),
      agentVersion: AGENT_VERSION,
      ...(net ? { ip: net.ip, mac: net.mac } : {}),
    };
    await this.link.publish("status", st, { retain: true }).catch(() => {});
  }

  private async inventoryIfDue() {
    if (!this.link.connected) return;
    const st = this.store.state();
    if (st.lastInventoryAt && Date.now() - Date.parse(st.lastInventoryAt) < this.cfg.inventoryHours * 3600_000) return;
    try {
      const inv = await collectInventory(this.cfg.hostname ?? hostname());
      await this.link.publish("inventory", inv);
      this.store.saveState({ ...this.store.state(), lastInventoryAt: new Date().toISOString() });
      this.log.info(`inventaire envoyé (${inv.content.softwares?.length ?? 0} logiciels)`);
    } catch (e) {
      this.log.warn(`inventaire non envoyé : ${(e as Error).message}`);
    }
  }

  private persist() {
    const s = this.session;
    this.store.saveState({ ...this.store.state(), locked: this.locked, session: s ? { id: s.id, label: s.label, endsAtWall: new Date(Date.now() + (s.deadline - mono())).toISOString() } : null });
  }
}

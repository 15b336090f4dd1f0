/** Live control from the room view: the server applies the effect at once, then queues the kiosk command. */
import { eq } from "drizzle-orm";
import type { Ctx } from "../../../core/context";
import { withTransaction } from "../../../core/db/client";
import { audit } from "../../../core/audit/service";
import { Conflict, Invalid } from "../../../core/errors";
import { epnWorkstations } from "../schema";
import { workstationInOrg } from "./workstations";
import { endSessionTx, extendSessionTx, runningSession } from "./end-session";
import { announceCommands, COMMAND_TYPES, queueCommand, type CommandType, type KioskCommand } from "./commands";
import { publishTiles, roomView } from "./room-view";

/** What staff send: a type and, for message and extend, its text or minutes. */
export interface ControlInput {
  type: string;
  text?: string | null;
  minutes?: number | null;
}

/** Applies a control to a workstation and queues the matching kiosk command; returns both and the new tile. */
export function controlWorkstation(ctx: Ctx, wsId: string, input: ControlInput) {
  if (!COMMAND_TYPES.includes(input.type as CommandType)) throw new Invalid(`Commande inconnue : ${COMMAND_TYPES.join(", ")}.`, { type: "Commande inconnue." });
  const type = input.type as CommandType;
  const text = input.text?.trim() ?? "";
  if (type === "message" && (!text || text.length > 500)) throw new Invalid("Le message doit contenir entre 1 et 500 caractères.", { text: "Entre 1 et 500 caractères." });
  const minutes = input.minutes ?? 15;
  if (type === "extend" && (!Number.isInteger(minutes) || minutes < 1 || minutes > 240)) throw new Invalid("Prolongation entre 1 et 240 minutes.", { minutes: "Entre 1 et 240 minutes." });
  let cmd!: KioskCommand;
  const effect = withTransaction(ctx.db, (tx) => {
    const ws = workstationInOrg(ctx, tx, wsId);
    const session = runningSession(ctx, tx, wsId);
    const now = ctx.clock.now().toISOString();
    let payload: Record<string, unknown> = {};
    let result: Record<string, unknown> = {};
    switch (type) {
      case "lock":
      case "unlock":
        tx.update(epnWorkstations).set({ locked: type === "lock" ? 1 : 0, updatedAt: now }).where(eq(epnWorkstations.id, wsId)).run();
        break;
      case "message":
        payload = { text };
        break;
      case "extend": {
        if (!session) throw new Conflict("Aucune session en cours sur ce poste : rien à prolonger.");
        result = extendSessionTx(ctx, tx, session, minutes);
        payload = { endsAt: result.endsAt, addedSeconds: result.addedSeconds };
        break;
      }
      case "logout":
        if (!session) throw new Conflict("Aucune session en cours sur ce poste.");
        result = endSessionTx(ctx, tx, session, "staff");
        payload = { reason: "staff" };
        break;
      case "reboot":
        // A reboot wipes the kiosk: a running session ends now, on the server's clock.
        if (session) result = endSessionTx(ctx, tx, session, "reboot");
        break;
    }
    cmd = queueCommand(ctx, tx, wsId, type, payload, session?.id ?? null);
    audit(tx, ctx, { action: `epn.control.${type}`, entity: "epn_workstation", entityId: wsId, data: { name: ws.name, commandId: cmd.id, sessionId: session?.id ?? null, ...(type === "extend" ? { minutes } : {}) } });
    return result;
  });
  announceCommands(ctx, [cmd]);
  publishTiles(ctx, [wsId]);
  return { command: cmd, effect, tile: roomView(ctx, { ids: [wsId] })[0]! };
}

/** MQTT 5 reason codes the v5 front end answers with, their French reason strings, and what the broker advertises. */
import type { IConnackPacket } from "mqtt-packet";

/** Reason codes (MQTT 5.0 §2.4) used by the front end. */
export const RC = {
  success: 0x00,
  disconnectWithWill: 0x04,
  noSubscriptionExisted: 0x11,
  unspecified: 0x80,
  malformed: 0x81,
  protocolError: 0x82,
  unsupportedVersion: 0x84,
  clientIdNotValid: 0x85,
  badCredentials: 0x86,
  notAuthorized: 0x87,
  serverUnavailable: 0x88,
  badAuthMethod: 0x8c,
  serverShuttingDown: 0x8b,
  keepAliveTimeout: 0x8d,
  sessionTakenOver: 0x8e,
  topicFilterInvalid: 0x8f,
  topicAliasInvalid: 0x94,
  administrativeAction: 0x98,
  payloadFormatInvalid: 0x99,
  sharedSubsNotSupported: 0x9e,
  subIdsNotSupported: 0xa1,
} as const;

/** aedes's 3.1.1 CONNACK return codes, as MQTT 5 reason codes. */
export function connackReason(returnCode: number): number {
  switch (returnCode) {
    case 0:
      return RC.success;
    case 1:
      return RC.unsupportedVersion;
    case 2:
      return RC.clientIdNotValid;
    case 3:
      return RC.serverUnavailable;
    case 4:
      return RC.badCredentials;
    case 5:
      return RC.notAuthorized;
    default:
      return RC.unspecified;
  }
}

/** French reason strings sent with refusals (shown by clients that print them, and in packet captures). */
export const REASON_TEXT: Partial<Record<number, string>> = {
  [RC.unspecified]: "erreur du serveur",
  [RC.malformed]: "paquet mal formé",
  [RC.protocolError]: "erreur de protocole",
  [RC.unsupportedVersion]: "version de protocole non acceptée",
  [RC.clientIdNotValid]: "l'identifiant de client doit être celui du poste",
  [RC.badCredentials]: "identifiants refusés",
  [RC.notAuthorized]: "non autorisé",
  [RC.serverUnavailable]: "service indisponible",
  [RC.badAuthMethod]: "authentification étendue (AUTH) non prise en charge",
  [RC.serverShuttingDown]: "arrêt du service MQTT",
  [RC.keepAliveTimeout]: "délai de maintien de connexion dépassé",
  [RC.sessionTakenOver]: "une autre connexion a pris la place de celle-ci",
  [RC.topicFilterInvalid]: "filtre de sujet invalide",
  [RC.topicAliasInvalid]: "les alias de sujet ne sont pas pris en charge",
  [RC.administrativeAction]: "poste révoqué ou secret renouvelé",
  [RC.payloadFormatInvalid]: "message invalide pour ce sujet",
  [RC.sharedSubsNotSupported]: "abonnements partagés non pris en charge",
  [RC.subIdsNotSupported]: "identifiants d'abonnement non pris en charge",
};

/**
 * What the broker tells a v5 client in its CONNACK: no session is kept (expiry forced to 0 when one was asked),
 * no topic aliases from the client, no shared subscriptions, no subscription identifiers. QoS 0, 1 and 2 and
 * retained messages work as with 3.1.1. Receive Maximum is aedes's bound on QoS 2 messages awaiting PUBREL.
 */
export function connackProperties(askedSessionExpiry: number): NonNullable<IConnackPacket["properties"]> {
  return {
    ...(askedSessionExpiry > 0 ? { sessionExpiryInterval: 0 } : {}),
    receiveMaximum: 1000,
    retainAvailable: true,
    topicAliasMaximum: 0,
    wildcardSubscriptionAvailable: true,
    subscriptionIdentifiersAvailable: false,
    sharedSubscriptionAvailable: false,
  };
}

/** A valid MQTT topic filter (§4.7): non-empty, `#` alone and last, `+` alone in its level, no NUL. */
export function validTopicFilter(filter: string): boolean {
  if (filter.length === 0 || filter.includes("\u0000")) return false;
  const levels = filter.split("/");
  for (let i = 0; i < levels.length; i++) {
    const l = levels[i]!;
    if (l.includes("#") && (l !== "#" || i !== levels.length - 1)) return false;
    if (l.includes("+") && l !== "+") return false;
  }
  return true;
}

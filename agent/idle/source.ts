/** What the kiosk asks of an idle source: seconds since the patron last touched a key, the mouse or the screen. */
export interface IdleSource {
  start(): void;
  stop(): void;
  /** Seconds without input; null when unknown (no readable device): never read as "idle forever". */
  idleSeconds(): number | null;
}

/** The source of a platform where idle time cannot be measured: always unknown. */
export const UNKNOWN_IDLE: IdleSource = { start() {}, stop() {}, idleSeconds: () => null };

/** Read-only TFTP daemon (RFC 1350, 2347/2348/2349, 7440 windowsize) over Bun UDP sockets: one socket per transfer. */
import { openSync, readFileSync } from "node:fs";
import type { Service } from "../../core/service";
import type { Logger } from "../../core/log";
import { ERR, errorPacket, OP, parseRequest, TftpParseError, type TftpRequest } from "./tftp-packet";
import { resolveInRoot, TftpRefusal } from "./safe-path";
import { ReadTransfer, type TransferEnd, type TransferParams } from "./read-transfer";
import { bufferSource, fileSource, type Source } from "./block-packets";
import { TransferPool } from "./transfer-pool";
import { sockaddrIn } from "./libc-udp";


export interface TftpOptions {
  root: string;
  port: number;
  host?: string;
  log: Logger;
  /** Called before listening (e.g. to put the iPXE binaries in the root). */
  prepare?: () => void;
  /** Upper bounds of what clients may negotiate. */
  maxWindow?: number;
  maxTransfers?: number;
  /** Transfers run at once in blocking worker threads (the fast path); 0 keeps them all on the event loop. */
  workers?: number;
  /** Longest busy poll of a worker for the next ACK before it sleeps, in µs (default 50; 0: never spin). */
  spinMicros?: number;
}

/** Counters shown on the netboot page. */
export interface TftpStats {
  active: number;
  completed: number;
  failed: number;
  bytes: number;
}

const MAX_BLKSIZE = 65464;
/** netascii is converted in memory: keep it for the small text files it is meant for. */
const MAX_NETASCII = 16 * 1024 * 1024;

/** Negotiates RFC 2347 options; unknown or out-of-range ones are simply not acknowledged. */
export function negotiate(req: TftpRequest, size: number, maxWindow: number): TransferParams {
  const accepted = new Map<string, string>();
  const int = (k: string) => {
    const v = req.options.get(k);
    return v !== undefined && /^\d{1,6}$/.test(v) ? Number(v) : null;
  };
  let blksize = 512;
  const b = int("blksize");
  if (b !== null && b >= 8) accepted.set("blksize", String((blksize = Math.min(b, MAX_BLKSIZE))));
  if (int("tsize") !== null) accepted.set("tsize", String(size));
  let timeoutMs = 1000;
  const t = int("timeout");
  if (t !== null && t >= 1 && t <= 255) {
    timeoutMs = t * 1000;
    accepted.set("timeout", String(t));
  }
  let windowsize = 1;
  const w = int("windowsize");
  if (w !== null && w >= 1 && w <= 65535) accepted.set("windowsize", String((windowsize = Math.min(w, maxWindow))));
  let rolloverTo: 0 | 1 = 0;
  const r = int("rollover");
  if (r === 0 || r === 1) {
    rolloverTo = r;
    accepted.set("rollover", String(r));
  }
  return { blksize, windowsize, timeoutMs, retries: 5, rolloverTo, oack: accepted.size ? accepted : null };
}

/** LF → CR LF and CR → CR NUL, as RFC 1350 netascii wants. */
function toNetascii(data: Uint8Array) {
  const out: number[] = [];
  for (const c of data) {
    if (c === 10) out.push(13, 10);
    else if (c === 13) out.push(13, 0);
    else out.push(c);
  }
  return Uint8Array.from(out);
}

/** The TFTP Service. */
export class TftpService implements Service {
  readonly name = "tftp";
  readonly stats: TftpStats = { active: 0, completed: 0, failed: 0, bytes: 0 };
  private sock: Bun.udp.Socket<"buffer"> | null = null;
  /** Transfers in progress by client; null while a socket is being opened or when a worker runs it. */
  private transfers = new Map<string, ReadTransfer | null>();
  private pool: TransferPool;
  constructor(private opts: TftpOptions) {
    this.pool = new TransferPool(opts.workers ?? 4);
  }

  /** Transfers running in worker threads now, and served by them since start. */
  get workerTransfers() {
    return { active: this.pool.active, served: this.pool.served, max: this.pool.max };
  }

  /** Port actually bound (useful when 0 picks one). */
  get port() {
    return this.sock?.port ?? null;
  }

  async start() {
    this.opts.prepare?.();
    const sock = await Bun.udpSocket({
      hostname: this.opts.host ?? "0.0.0.0",
      port: this.opts.port,
      socket: {
        data: (_s, buf, port, address) => void this.onRequest(buf, port, address),
        // Without a handler Bun turns an ICMP error (e.g. port unreachable) into an uncaught exception.
        error: (...a: unknown[]) => this.opts.log.debug("TFTP : erreur de socket", { erreur: String(a.find((x) => x instanceof Error)) }),
      },
    });
    this.sock = sock;
    const pool = await this.pool.start();
    this.opts.log.info("TFTP actif", { port: sock.port, dossier: this.opts.root, workers: pool.ok ? this.pool.max : `aucun (${pool.reason})` });
  }

  /** Answers from a fresh socket: the client learns our transfer ID from it (RFC 1350). */
  private async tidSocket(port: number, address: string, onData: (b: Uint8Array) => void, onDrain: () => void, onError: (e: Error) => void = () => {}): Promise<Bun.udp.ConnectedSocket<"buffer">> {
    return Bun.udpSocket({
      hostname: this.opts.host ?? "0.0.0.0",
      port: 0,
      connect: { hostname: address, port },
      // The client's port closed (ICMP port unreachable → ECONNREFUSED): Bun calls this with the error as its one argument.
      socket: { data: (_s, buf) => onData(buf), drain: () => onDrain(), error: (...a: unknown[]) => onError((a.find((x) => x instanceof Error) as Error) ?? new Error("erreur de socket")) },
    });
  }

  private async refuse(port: number, address: string, code: number, message: string) {
    const s = await this.tidSocket(port, address, () => {}, () => {});
    s.send(errorPacket(code, message));
    s.close();
  }

  private async onRequest(buf: Uint8Array, port: number, address: string) {
    const key = `${address}:${port}`;
    // A client that repeats its request while we answer keeps its one transfer.
    if (this.transfers.has(key)) return;
    let req: TftpRequest;
    try {
      req = parseRequest(buf);
    } catch (e) {
      if (e instanceof TftpParseError) await this.refuse(port, address, ERR.ILLEGAL_OP, e.message).catch(() => {});
      return;
    }
    if (req.op === OP.WRQ) return this.refuse(port, address, ERR.ACCESS, "serveur en lecture seule").catch(() => {});
    if (req.mode !== "octet" && req.mode !== "netascii") return this.refuse(port, address, ERR.ILLEGAL_OP, `mode ${req.mode} non pris en charge`).catch(() => {});
    if (this.transfers.size >= (this.opts.maxTransfers ?? 512)) return this.refuse(port, address, ERR.UNDEFINED, "serveur occupe, reessayez").catch(() => {});
    let src: Source;
    let fd = -1;
    try {
      const f = resolveInRoot(this.opts.root, req.filename);
      if (req.mode === "netascii") {
        if (f.size > MAX_NETASCII) throw new TftpRefusal(ERR.ACCESS, "fichier trop gros pour le mode netascii");
        src = bufferSource(toNetascii(readFileSync(f.path)));
      } else {
        src = fileSource((fd = openSync(f.path, "r")), f.size);
      }
    } catch (e) {
      const code = e instanceof TftpRefusal ? e.code : ERR.UNDEFINED;
      this.opts.log.info("TFTP refusé", { client: address, fichier: req.filename, erreurTftp: code, raison: (e as Error).message });
      return this.refuse(port, address, code, e instanceof TftpRefusal ? e.message : "erreur de lecture").catch(() => {});
    }
    const params = negotiate(req, src.size, this.opts.maxWindow ?? 64);
    let transfer: ReadTransfer | null = null;
    // Reserve the key before awaiting the socket so a repeated RRQ is not served twice.
    this.transfers.set(key, null);
    this.stats.active++;
    const ended = (end: TransferEnd, path: string) => {
      this.transfers.delete(key);
      this.stats.active--;
      if (end.ok) {
        this.stats.completed++;
        this.stats.bytes += end.bytes;
      } else this.stats.failed++;
      this.opts.log.debug("TFTP terminé", { client: address, fichier: req.filename, ...end, chemin: path });
    };
    // Octet transfers to IPv4 clients go to a worker when one is free; the worker owns the descriptor then.
    const host = this.opts.host ?? "0.0.0.0";
    const inWorker = fd >= 0 && sockaddrIn(address, port) && sockaddrIn(host, 0) ? this.pool.run({ fd, size: src.size, host, address, port, params, spinMicros: this.opts.spinMicros ?? 50 }) : null;
    if (inWorker) return void inWorker.then((end) => ended(end, "worker"));
    try {
      const s = await this.tidSocket(port, address, (b) => transfer?.receive(b), () => transfer?.drain(), (e) => transfer?.lost(e.message));
      transfer = new ReadTransfer(s, src, params, (end) => ended(end, "boucle"));
      this.transfers.set(key, transfer);
      transfer.begin();
    } catch (e) {
      this.transfers.delete(key);
      this.stats.active--;
      src.close();
      this.opts.log.warn("TFTP : socket de transfert impossible", { erreur: (e as Error).message });
    }
  }

  /** Stops listening and ends every transfer, each client told so (error 0). */
  async stop() {
    this.sock?.close();
    this.sock = null;
    for (const t of [...this.transfers.values()]) t?.abort("arret du serveur");
    await this.pool.stop();
    this.transfers.clear();
  }
}

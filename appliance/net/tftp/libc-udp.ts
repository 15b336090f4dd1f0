/**
 * A blocking, connected IPv4 UDP socket through `bun:ffi` calls into libc (Linux only): what tftpd-hpa does,
 * one `send` and one `recv` per lockstep block and no event-loop wakeup. Used inside transfer workers only.
 */
import { dlopen, FFIType, ptr, read, type Pointer } from "bun:ffi";

// Linux x86-64 and arm64 constants (asm-generic): the fast path is refused on any other platform.
const AF_INET = 2;
const SOCK_DGRAM = 2;
const SOCK_CLOEXEC = 0o2000000;
const SOL_SOCKET = 1;
const SO_RCVTIMEO = 20;
/** errno values that only mean "nothing arrived yet". */
const EINTR = 4;
const EAGAIN = 11;
const MSG_DONTWAIT = 0x40;
/** After a spin that found nothing, the next spins are skipped for 1, 2, 4 … up to this many receives. */
const MAX_BACKOFF = 1024;

const symbols = {
  socket: { args: [FFIType.i32, FFIType.i32, FFIType.i32], returns: FFIType.i32 },
  bind: { args: [FFIType.i32, FFIType.ptr, FFIType.u32], returns: FFIType.i32 },
  connect: { args: [FFIType.i32, FFIType.ptr, FFIType.u32], returns: FFIType.i32 },
  setsockopt: { args: [FFIType.i32, FFIType.i32, FFIType.i32, FFIType.ptr, FFIType.u32], returns: FFIType.i32 },
  // ssize_t results read as i32: transfers never move 2 GiB in one call, and -1 stays -1.
  send: { args: [FFIType.i32, FFIType.ptr, FFIType.u64, FFIType.i32], returns: FFIType.i32 },
  sendmmsg: { args: [FFIType.i32, FFIType.ptr, FFIType.u32, FFIType.i32], returns: FFIType.i32 },
  recv: { args: [FFIType.i32, FFIType.ptr, FFIType.u64, FFIType.i32], returns: FFIType.i32 },
  close: { args: [FFIType.i32], returns: FFIType.i32 },
  sched_yield: { args: [], returns: FFIType.i32 },
  strerror: { args: [FFIType.i32], returns: FFIType.cstring },
  __errno_location: { args: [], returns: FFIType.ptr },
} as const;

type Libc = ReturnType<typeof dlopen<typeof symbols>>["symbols"];
let libc: Libc | null | undefined;

/** libc's functions, or null where the fast path cannot run (not Linux, no glibc, FFI refused). */
export function loadLibc(): Libc | null {
  if (libc !== undefined) return libc;
  libc = null;
  if (process.platform !== "linux" || (process.arch !== "x64" && process.arch !== "arm64")) return null;
  try {
    libc = dlopen("libc.so.6", symbols).symbols;
  } catch {
    libc = null;
  }
  return libc;
}

/** A 16-byte `struct sockaddr_in`, or null when `address` is not a dotted IPv4 address. */
export function sockaddrIn(address: string, port: number): Uint8Array | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(address);
  if (!m || port < 0 || port > 0xffff) return null;
  const sa = new Uint8Array(16);
  sa[0] = AF_INET; // sa_family is host-order (little-endian on x64/arm64)
  sa[2] = port >> 8;
  sa[3] = port & 0xff;
  for (let i = 0; i < 4; i++) {
    const b = Number(m[i + 1]);
    if (b > 255) return null;
    sa[4 + i] = b;
  }
  return sa;
}

/** Outcome of one `recv`: bytes received, `TIMEOUT` (nothing within the slice) or `FAILED` (see `error`). */
export const TIMEOUT = -1;
export const FAILED = -2;

/**
 * A connected UDP socket with a receive timeout; every call blocks the calling thread.
 *
 * `recv` may first poll for up to `spinMs` before sleeping (busy polling, as the kernel's SO_BUSY_POLL does for
 * NICs): when the client answers within that time the thread never sleeps, so no wakeup is paid on the way
 * back, which on virtual machines whose idle CPUs halt is most of a lockstep round trip. The spin is adaptive:
 * a spin that finds nothing (a slow client, a busy CPU) is not tried again for 1, 2, 4 … 1024 receives, so a
 * slow client costs one wasted spin per thousand blocks.
 */
export class BlockingUdp {
  private skip = 0;
  private backoff = 0;
  /** sendmmsg() arguments for a whole window: `struct mmsghdr` (64 bytes) and `struct iovec` (16 bytes) each. */
  private mmsg: BigUint64Array | null = null;
  private iov: BigUint64Array | null = null;
  private constructor(
    private c: Libc,
    readonly fd: number,
    private errnoAt: Pointer,
    private spinMs: number,
  ) {}

  /** Opens a socket bound to `host`:0 and connected to the client, whose `recv` waits at most `sliceMs`. */
  static open(c: Libc, host: string, address: string, port: number, sliceMs: number, spinMs = 0): BlockingUdp {
    const local = sockaddrIn(host, 0);
    const peer = sockaddrIn(address, port);
    if (!local || !peer) throw new Error("adresse IPv4 attendue");
    const fd = c.socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    // errno is per thread, and its address does not change while the thread lives.
    const errnoAt = c.__errno_location() as Pointer;
    const sock = new BlockingUdp(c, fd, errnoAt, spinMs);
    if (fd < 0) throw new Error(`socket : ${sock.error()}`);
    const tv = new BigInt64Array([BigInt(Math.floor(sliceMs / 1000)), BigInt((sliceMs % 1000) * 1000)]);
    if (c.bind(fd, local, 16) !== 0 || c.connect(fd, peer, 16) !== 0 || c.setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, tv, 16) !== 0) {
      const why = sock.error();
      c.close(fd);
      throw new Error(why);
    }
    return sock;
  }

  /** The current thread's errno as text. */
  error(): string {
    const e = read.i32(this.errnoAt, 0);
    return `${this.c.strerror(e)} (errno ${e})`;
  }

  /** Sends the first `length` bytes as one datagram; false when the client is unreachable (see `error`). */
  send(buf: Uint8Array, length: number): boolean {
    return this.c.send(this.fd, buf, length, 0) === length;
  }

  /** Sends several datagrams with one sendmmsg(); false when the client is unreachable (see `error`). */
  sendMany(packets: readonly Uint8Array[], count: number): boolean {
    if (!this.mmsg || this.mmsg.length < count * 8) {
      this.mmsg = new BigUint64Array(count * 8);
      this.iov = new BigUint64Array(count * 2);
      const iovAt = BigInt(ptr(this.iov));
      // msg_iov → the i-th iovec, msg_iovlen = 1; name, control and flags stay zero (the socket is connected).
      for (let i = 0; i < count; i++) {
        this.mmsg[i * 8 + 2] = iovAt + BigInt(i * 16);
        this.mmsg[i * 8 + 3] = 1n;
      }
    }
    const iov = this.iov!;
    for (let i = 0; i < count; i++) {
      const p = packets[i]!;
      iov[i * 2] = BigInt(ptr(p));
      iov[i * 2 + 1] = BigInt(p.length);
    }
    for (let sent = 0; sent < count; ) {
      // A partial send leaves the rest for another call, starting at the first unsent header.
      const n = this.c.sendmmsg(this.fd, ptr(this.mmsg, sent * 64), count - sent, 0);
      if (n <= 0) return false;
      sent += n;
    }
    return true;
  }

  /** Waits for one datagram (at most the slice); returns its length, `TIMEOUT` or `FAILED`. */
  recv(buf: Uint8Array): number {
    if (this.spinMs > 0) {
      if (this.skip > 0) this.skip--;
      else {
        const t0 = performance.now();
        do {
          const m = this.c.recv(this.fd, buf, buf.length, MSG_DONTWAIT);
          if (m >= 0) {
            this.backoff = 0;
            return m;
          }
          // A pending ICMP error (client gone) is reported once: never swallow it here.
          if (!this.nothingYet()) return FAILED;
          // A client on this same CPU needs it to answer: let it (and anything else waiting here) run first.
          this.c.sched_yield();
        } while (performance.now() - t0 < this.spinMs);
        this.skip = this.backoff = Math.min(this.backoff * 2 || 1, MAX_BACKOFF);
      }
    }
    const n = this.c.recv(this.fd, buf, buf.length, 0);
    if (n >= 0) return n;
    return this.nothingYet() ? TIMEOUT : FAILED;
  }

  /** Whether the last call failed only because nothing had arrived (or a signal interrupted it). */
  private nothingYet() {
    const e = read.i32(this.errnoAt, 0);
    return e === EAGAIN || e === EINTR;
  }

  close() {
    this.c.close(this.fd);
  }
}

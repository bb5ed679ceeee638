/**
 * A TLS listener whose connections can be closed the way a Kafka broker closes a TLS connection
 * with a request still unread: TLS close_notify, then a TCP RST (and no FIN).
 *
 * Why not node:tls's own server: its TLS layer sits directly on the TCP handle, and its only way
 * to send close_notify is end(), which also shuts the TCP side down (FIN); after that libuv
 * refuses the abortive close (SO_LINGER 0), and resetAndDestroy() is refused on a TLS socket
 * altogether. Kafka's SslTransportLayer.close() writes close_notify and then closes the channel;
 * with bytes of the refused request unread, the kernel answers that close(2) with a RST.
 *
 * So here the TLS socket runs over a relay stream in front of the TCP socket: the TLS bytes
 * (close_notify included) are written to the TCP socket as they come, and when the TLS side
 * ends, the relay either ends the TCP socket (FIN, as node:tls does) or, for a connection
 * marked by `closeNotifyThenReset`, resets it once close_notify has been handed to the kernel.
 */

import { createServer, type Server, type Socket } from "node:net";
import { Duplex } from "node:stream";
import { TLSSocket, createSecureContext } from "node:tls";

const ABORT = Symbol("close_notify then RST");

type Abortable = TLSSocket & { [ABORT]?: () => void };

/**
 * A TCP server whose connections are served (`serve`) once their TLS handshake is done; a failed
 * handshake goes to `onHandshakeError` with the peer's address.
 */
export function createResettableTlsServer(
  options: { cert: Buffer; key: Buffer },
  serve: (socket: TLSSocket) => void,
  onHandshakeError: (err: Error, peer: string) => void,
): Server {
  const secureContext = createSecureContext(options);
  return createServer((raw: Socket) => {
    let reset = false;
    const relay = new Duplex({
      read() {
        raw.resume();
      },
      write(chunk: Buffer, _encoding, done) {
        raw.write(chunk, done);
      },
      // Called once every TLS byte written (close_notify last) is in the kernel's send buffer.
      final(done) {
        if (reset) raw.resetAndDestroy();
        else raw.end();
        done();
      },
      destroy(err, done) {
        if (!raw.destroyed) raw.destroy();
        done(err);
      },
    });
    raw.on("data", (chunk: Buffer) => {
      if (!relay.push(chunk)) raw.pause();
    });
    raw.on("end", () => relay.push(null));
    raw.on("error", (e) => relay.destroy(e));
    raw.on("close", () => relay.destroy());
    const tls: Abortable = new TLSSocket(relay, { isServer: true, secureContext });
    // Over a relay the TLS socket has no address of its own: the TCP socket's.
    Object.defineProperty(tls, "remoteAddress", { value: raw.remoteAddress });
    Object.defineProperty(tls, "remotePort", { value: raw.remotePort });
    tls[ABORT] = () => {
      reset = true;
      tls.end();
    };
    let secure = false;
    const early = (e: Error): void => {
      if (!secure) onHandshakeError(e, `${raw.remoteAddress}:${raw.remotePort}`);
      tls.destroy();
    };
    tls.on("error", early);
    tls.once("secure", () => {
      secure = true;
      tls.off("error", early);
      serve(tls);
    });
  });
}

/**
 * Closes a connection of createResettableTlsServer with close_notify then RST. False for any
 * other socket (the caller then closes it its own way).
 */
export function closeNotifyThenReset(socket: Socket): boolean {
  const abort = (socket as Abortable)[ABORT];
  if (!abort) return false;
  abort();
  return true;
}

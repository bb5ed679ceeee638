/**
 * The hellos' randoms key the key log lookups made later, at the Finished and the
 * ChangeCipherSpec; the capture reader hands records over as Buffer views of a chunk it reuses,
 * so a random kept as such a view changed under later packets (found by `npm run bench`'s TLS
 * twin of a 200 MB capture: one connection of 3,723 said "the key log lacks this connection's
 * application traffic secrets").
 */
import { describe, expect, it } from "vitest";
import { readHandshake } from "../../dissectors/tls/handshake.js";

/** A minimal TLS 1.2 ClientHello body: version, random, empty session id, one suite, null compression. */
function clientHelloBody(random: Buffer): Buffer {
  return Buffer.concat([Buffer.from([3, 3]), random, Buffer.from([0, 0, 2, 0xc0, 0x2f, 1, 0])]);
}

describe("a hello's random", () => {
  it("is kept when the Buffer it was read from is overwritten", () => {
    const random = Buffer.alloc(32, 0xab);
    const chunk = Buffer.alloc(4096);
    const body = clientHelloBody(random);
    body.copy(chunk, 100);
    const info = readHandshake(1, chunk.subarray(100, 100 + body.length));
    chunk.fill(0);
    expect(Buffer.from(info.random!).toString("hex")).toBe(random.toString("hex"));
  });
});

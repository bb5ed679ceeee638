/**
 * A request the broker reset while it was still arriving (it read the size prefix, found it over
 * socket.request.max.bytes and closed with the rest unread) was never delivered, whatever its
 * acks: `kdiag kafka` must not list it as complete, and says how much of it was sent. Real
 * captures from the scenario matrix (test/fixtures/matrix/broker-causes/README.md).
 */
import { describe, expect, it } from "vitest";
import { kdiagJson, kdiagRun } from "../helpers/tshark.js";

const DIR = "test/fixtures/matrix/broker-causes";

describe("a request cut off by the broker's RST", () => {
  it.each(["client", "broker"])("acks=0 (kafka-python), %s side: unanswered, not 'no response expected'", async (side) => {
    const j = await kdiagJson(["kafka", "--json", `${DIR}/mtl-socket-request-kpy-acks0-${side}.pcap.gz`]);
    const big = j.exchanges.filter((e: any) => e.request_size > 500_000);
    expect(big).toHaveLength(1);
    expect(big[0].status).toBe("unanswered");
    expect(big[0].unanswered_reason).toBe("rst");
    const m = /only (\d+) of its 700162 bytes sent/.exec(big[0].summary);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBeLessThan(400_000);
    // The requests before it went through whole: still "no response expected".
    const small = j.exchanges.filter((e: any) => e.api_name === "Produce" && e.request_size < 500_000);
    expect(small.map((e: any) => e.status)).toEqual(Array(small.length).fill("no-response-expected"));
  });

  it("acks=1 (librdkafka): each reset connection says how much of the 600 kB request went out", async () => {
    const j = await kdiagJson(["kafka", "--json", `${DIR}/mtl-socket-request-rst-client.pcap.gz`]);
    const cut = j.exchanges.filter((e: any) => /only \d+ of its 600153 bytes sent/.test(e.summary));
    expect(cut.map((e: any) => e.connection)).toEqual([0, 1, 2, 3]);
    const packets = await kdiagRun(["packets", `${DIR}/mtl-socket-request-rst-client.pcap.gz`]);
    expect(packets.stdout).toContain("[only 53576 of 600153 bytes sent before the stream ended]");
  });
});

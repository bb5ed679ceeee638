/** A sandboxed plugin's PDU keeps its secret ranges (so kdiag masks them) when they are sane, and only then. */
import { describe, expect, it } from "vitest";
import { cleanPdu } from "../../src/plugins/sandbox/clean.js";

const base = { dir: "c2s", ref: { first: 1, last: 1, tsUs: 0, streamOffset: 0 }, length: 20, summary: "login", fields: {} };

describe("plugin PDU secrets through the sandbox", () => {
  it("keeps integer ranges inside the PDU, drops the rest", () => {
    const pdu = cleanPdu({ ...base, secrets: [{ offset: 4, length: 8 }, { offset: -1, length: 3 }, { offset: 2, length: 0 }, { offset: "x", length: 2 }, null] });
    expect(pdu.secrets).toEqual([{ offset: 4, length: 8 }]);
  });
  it("no secrets key: none", () => {
    expect(cleanPdu(base).secrets).toBeUndefined();
    expect(cleanPdu({ ...base, secrets: "all" }).secrets).toBeUndefined();
  });
});

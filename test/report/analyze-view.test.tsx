/**
 * The Ink view `kdiag analyze` shows on a terminal, rendered with ink-testing-library from the
 * findings of a real capture.
 */
import { render } from "ink-testing-library";
import { beforeAll, describe, expect, it } from "vitest";
import { analyseCapture } from "../../src/model/analyse.js";
import { createRegistry } from "../../src/plugins/builtin.js";
import { FindingsSummary, Progress } from "../../src/report/ink/analyze-view.js";
import { BUILTIN_RULES_DIR, evaluateRules, loadRuleFiles, type Finding } from "../../src/rules/index.js";

const FILE = "test/fixtures/real/firewall-idle-client.pcap";
let findings: Finding[] = [];

beforeAll(async () => {
  const capture = await analyseCapture(FILE, { registry: createRegistry() });
  findings = evaluateRules(loadRuleFiles([BUILTIN_RULES_DIR]).rules, capture);
});

describe("analyze view (Ink)", () => {
  it("shows progress with the share of the file read", () => {
    const { lastFrame } = render(<Progress file={FILE} packets={12345} bytes={2_500_000} totalBytes={10_000_000} />);
    expect(lastFrame()).toBe(`reading ${FILE}: 12,345 packets, 2.5 MB (25%)`);
  });

  it("summarises the findings by rule, most severe first, with evidence and advice", () => {
    const { lastFrame } = render(<FindingsSummary file={FILE} findings={findings} />);
    const frame = lastFrame()!;
    const heads = frame.split("\n").filter((l) => /^(ERROR|WARNING|INFO|CRITICAL) /.test(l));
    expect(heads).toEqual(["ERROR firewall-idle: Connection reset by a middlebox after an idle period (2)"]);
    expect(frame).toContain("evidence: connection 0, packets 1, 11, 12");
    expect(frame).toContain("advice: Find the stateful device on the path");
    expect(frame.split("\n").pop()).toBe("2 findings from 1 rules: 2 error");
  });

  it("says so when nothing matched", () => {
    const { lastFrame } = render(<FindingsSummary file="x.pcap" findings={[]} />);
    expect(lastFrame()).toBe("x.pcap: no findings — none of the rules matched this capture.");
  });

  it("escapes control characters that came from the capture", () => {
    const evil: Finding = { ...findings[0]!, message: "client id \u001b]0;pwned\u0007 here" };
    const { lastFrame } = render(<FindingsSummary file="x.pcap" findings={[evil]} />);
    expect(lastFrame()).toContain("client id \\e]0;pwned\\x07 here");
    expect(lastFrame()).not.toContain("\u0007");
  });
});

#!/usr/bin/env bash
# Makes test/fixtures/textline/textline.pcap: real loopback traffic of a newline-delimited text
# protocol, on port 7777 (found by the port table) and port 6001 (found only by the heuristic),
# for the example plugin's test. Needs tcpdump and root (or capture rights).
set -euo pipefail
cd "$(dirname "$0")/.."
out=test/fixtures/textline/textline.pcap
tcpdump -i lo -U -w "$out" 'tcp port 7777 or tcp port 6001' >/dev/null 2>&1 &
dump=$!
sleep 1
node - <<'JS'
const net = require("node:net");
function server(port) {
  return net.createServer((s) => {
    let buf = "";
    s.on("data", (d) => {
      buf += d;
      let i;
      while ((i = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, i); buf = buf.slice(i + 1);
        s.write(line === "QUIT" ? "BYE\n" : `OK ${line.length}\n`);
        if (line === "QUIT") s.end();
      }
    });
  }).listen(port, "127.0.0.1");
}
async function client(port, lines) {
  await new Promise((resolve) => {
    const c = net.connect(port, "127.0.0.1", async () => {
      for (const l of lines) { c.write(l); await new Promise((r) => setTimeout(r, 50)); }
    });
    c.on("data", () => {}); c.on("close", resolve);
  });
}
const a = server(7777), b = server(6001);
(async () => {
  // A line split over two segments, and two lines in one segment.
  await client(7777, ["HELLO kdiag\n", "SET key ", "value\n", "GET key\nGET other\n", "QUIT\n"]);
  await client(6001, ["PING\n", "ECHO \u001b[31mred\u001b[0m\n", "QUIT\n"]);
  a.close(); b.close();
})();
JS
sleep 1
kill "$dump"; wait "$dump" 2>/dev/null || true
echo "wrote $out"

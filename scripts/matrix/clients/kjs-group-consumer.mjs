#!/usr/bin/env node
// A kafkajs 2.2.4 consumer-group member for the healthy-group captures (scripts/matrix/make-set-e.sh):
// subscribe, run (auto-commit every second), until --poll-s seconds have passed or SIGTERM; then
// disconnect() (LeaveGroup, then FIN). SIGKILL from the script leaves it to the broker's session
// timeout.
//
//   node scripts/matrix/clients/kjs-group-consumer.mjs BOOTSTRAP TOPIC GROUP [--client-id ID]
//        [--session-timeout-ms N] [--heartbeat-interval-ms N] [--fetch-max-wait-ms N] [--poll-s S]
import { Kafka, logLevel } from "kafkajs";

const args = process.argv.slice(2);
const pos = [];
const opt = { clientId: "kafkajs-group", sessionTimeout: 6000, heartbeatInterval: 2000, maxWaitTimeInMs: 500, pollS: 0 };
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === "--client-id") opt.clientId = args[++i];
  else if (a === "--session-timeout-ms") opt.sessionTimeout = Number(args[++i]);
  else if (a === "--heartbeat-interval-ms") opt.heartbeatInterval = Number(args[++i]);
  else if (a === "--fetch-max-wait-ms") opt.maxWaitTimeInMs = Number(args[++i]);
  else if (a === "--poll-s") opt.pollS = Number(args[++i]);
  else pos.push(a);
}
const [bootstrap, topic, group] = pos;
if (!group) {
  process.stderr.write("usage: kjs-group-consumer.mjs BOOTSTRAP TOPIC GROUP [--client-id ID] [--session-timeout-ms N] [--heartbeat-interval-ms N] [--fetch-max-wait-ms N] [--poll-s S]\n");
  process.exit(2);
}
const T0 = Date.now();
const say = (m) => process.stderr.write(`% ${((Date.now() - T0) / 1000).toFixed(3).padStart(7)}s ${m}\n`);

const kafka = new Kafka({ clientId: opt.clientId, brokers: [bootstrap], logLevel: logLevel.WARN });
const consumer = kafka.consumer({
  groupId: group,
  sessionTimeout: opt.sessionTimeout,
  heartbeatInterval: opt.heartbeatInterval,
  maxWaitTimeInMs: opt.maxWaitTimeInMs,
});
consumer.on(consumer.events.GROUP_JOIN, (e) =>
  say(`joined generation ${e.payload.groupId} as ${e.payload.isLeader ? "leader" : "follower"}: ${JSON.stringify(e.payload.memberAssignment)}`));
let got = 0;
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  say(`${got} record(s); disconnect`);
  await consumer.disconnect();
  say("closed");
  process.exit(0);
};
process.on("SIGTERM", () => void stop());
say(`kafkajs member of ${group}, session ${opt.sessionTimeout} ms, heartbeat ${opt.heartbeatInterval} ms`);
await consumer.connect();
await consumer.subscribe({ topics: [topic], fromBeginning: true });
await consumer.run({ autoCommitInterval: 1000, eachMessage: async () => { got++; } });
if (opt.pollS > 0) setTimeout(() => void stop(), opt.pollS * 1000);

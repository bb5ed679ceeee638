#!/usr/bin/env node
// A kafkajs 2.2.4 producer that follows a plan, for the scenario-matrix captures
// (scripts/matrix/make-set-b.sh). Real client, real retry/reconnect logic.
//
//   node scripts/matrix/clients/kjs-producer.mjs BOOTSTRAP TOPIC PLAN [--client-id ID]
//        [--keepalive-ms N] [--request-timeout-ms N]
//
// PLAN: comma-separated steps: send (produce one message, acks=1, await the result), idle:S
// (S seconds without producing), hang (wait forever; the script kills the process). At the end
// the producer disconnects (FIN). kafkajs always sets SO_KEEPALIVE with a 60 s delay
// (socketFactory.js); --keepalive-ms N uses a socket factory that sets N instead (Node's
// setKeepAlive: TCP_KEEPIDLE = N/1000 s; interval/count from libuv / the namespace's sysctls).
import net from "node:net";
import { Kafka, logLevel } from "kafkajs";

const args = process.argv.slice(2);
const pos = [];
const opt = { clientId: "kafkajs-matrix", keepaliveMs: 0, requestTimeout: 30000 };
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === "--client-id") opt.clientId = args[++i];
  else if (a === "--keepalive-ms") opt.keepaliveMs = Number(args[++i]);
  else if (a === "--request-timeout-ms") opt.requestTimeout = Number(args[++i]);
  else pos.push(a);
}
const [bootstrap, topic, plan] = pos;
if (!plan) {
  process.stderr.write("usage: kjs-producer.mjs BOOTSTRAP TOPIC PLAN [--client-id ID] [--keepalive-ms N] [--request-timeout-ms N]\n");
  process.exit(2);
}
const T0 = Date.now();
const say = (m) => process.stderr.write(`% ${((Date.now() - T0) / 1000).toFixed(3).padStart(7)}s ${m}\n`);

const socketFactory = opt.keepaliveMs > 0
  ? ({ host, port, onConnect }) => {
      const s = net.connect({ host, port }, onConnect);
      s.setKeepAlive(true, opt.keepaliveMs);
      return s;
    }
  : undefined;
const kafka = new Kafka({
  clientId: opt.clientId,
  brokers: [bootstrap],
  requestTimeout: opt.requestTimeout,
  logLevel: logLevel.INFO,
  logCreator: () => ({ namespace, level, label, log }) =>
    say(`kafkajs ${label} ${namespace} ${log.message} ${JSON.stringify({ ...log, message: undefined, timestamp: undefined, logger: undefined })}`),
  ...(socketFactory ? { socketFactory } : {}),
});
const producer = kafka.producer({ allowAutoTopicCreation: true });
say(`producer ${JSON.stringify({ bootstrap, topic, plan, ...opt })}`);
await producer.connect();
let n = 0;
for (const step of plan.split(",")) {
  if (step === "send") {
    n++;
    const t = Date.now();
    try {
      const r = await producer.send({ topic, acks: 1, messages: [{ key: `send-${n}`, value: `message ${n} from ${opt.clientId}` }] });
      say(`send-${n}: delivered ${JSON.stringify(r)} after ${((Date.now() - t) / 1000).toFixed(3)}s`);
    } catch (e) {
      say(`send-${n}: failed after ${((Date.now() - t) / 1000).toFixed(3)}s: ${e}`);
    }
  } else if (step.startsWith("idle:")) {
    say(`idle ${step.slice(5)}s`);
    await new Promise((r) => setTimeout(r, Number(step.slice(5)) * 1000));
  } else if (step === "hang") {
    say("hang");
    await new Promise(() => setInterval(() => {}, 1 << 30));
  } else {
    say(`unknown plan step ${step}`);
    process.exit(2);
  }
}
await producer.disconnect();
say("disconnected");

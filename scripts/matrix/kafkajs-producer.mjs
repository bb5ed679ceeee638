// A scripted kafkajs producer for the matrix captures (scripts/matrix/make-set-*.sh):
//
//   node scripts/matrix/kafkajs-producer.mjs BOOTSTRAP TOPIC ACKS SIZE,SIZE,... [PAUSE_MS]
//
// Connects, sends one message per SIZE (random-ish text values, as scripts/matrix/client.py),
// each awaited, PAUSE_MS (default 300) apart, logs each outcome on stderr ("% ..."), disconnects.
import { Kafka, logLevel } from "kafkajs";

const [bootstrap, topic, acks, sizes, pause = "300"] = process.argv.slice(2);
const VOCAB = ("alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november " +
  "oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu order " +
  "invoice payment widget gadget sprocket").split(" ");
let seed = 12345;
const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 16) % VOCAB.length;
const value = (n) => {
  let s = "";
  while (s.length < n) s += VOCAB[rnd()] + " ";
  return s.slice(0, n);
};
const log = (m) => process.stderr.write(`% ${new Date().toISOString().slice(11, 23)} ${m}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const kafka = new Kafka({ clientId: "kafkajs-matrix", brokers: [bootstrap], logLevel: logLevel.WARN, retry: { retries: 0 } });
const producer = kafka.producer({ allowAutoTopicCreation: true });
await producer.connect();
let i = 0;
for (const n of sizes.split(",").map(Number)) {
  i++;
  try {
    const r = await producer.send({ topic, acks: Number(acks), messages: [{ key: `m-${i}`, value: value(n) }] });
    log(`m-${i} (${n} bytes): delivered ${JSON.stringify(r)}`);
  } catch (e) {
    log(`m-${i} (${n} bytes): failed: ${e.name}: ${e.message}`);
  }
  await sleep(Number(pause));
}
await producer.disconnect();
log("disconnected");

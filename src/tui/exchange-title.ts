/**
 * The exchanges pane's name, from the protocols whose exchanges it lists: "Kafka exchanges" on a
 * Kafka capture, "BinKV exchanges" on a plugin's, "Exchanges" when several protocols (or none)
 * paired them — never Kafka's name on another protocol's requests.
 */
import { protocolLabel } from "../facts/schema.js";

interface Paired {
  readonly dissector: string;
  readonly connId: number;
}

/** `conn`: the connection the pane is scoped to, null for all. */
export function exchangesPaneName(exchanges: readonly Paired[], conn: number | null): string {
  let only: string | null = null;
  for (const ex of exchanges) {
    if (conn !== null && ex.connId !== conn) continue;
    if (only === null) only = ex.dissector;
    else if (only !== ex.dissector) return "Exchanges";
  }
  return only === null ? "Exchanges" : `${protocolLabel(only)} exchanges`;
}

/**
 * The protocol tree of a decoded Kafka message, for detail views. Bounded: a Fetch response with
 * thousands of partitions gets the first nodes and a "N more" line, so a PDU's tree never costs
 * more than a few kilobytes in the model.
 */

import type { TreeNode } from "../../src/plugins/api.js";
import type { KafkaObject, KafkaValue } from "./schema/index.js";

const MAX_NODES = 200;

export function buildTree(label: string, value: KafkaObject): TreeNode {
  const budget = { left: MAX_NODES };
  return { label, children: objectNodes(value, budget) };
}

function objectNodes(obj: KafkaObject, budget: { left: number }): TreeNode[] {
  const out: TreeNode[] = [];
  const keys = Object.keys(obj);
  for (let i = 0; i < keys.length; i++) {
    if (budget.left <= 0) {
      out.push({ label: `… ${keys.length - i} more fields` });
      break;
    }
    out.push(node(keys[i]!, obj[keys[i]!]!, budget));
  }
  return out;
}

function node(key: string, v: KafkaValue, budget: { left: number }): TreeNode {
  budget.left--;
  if (Array.isArray(v)) {
    const children: TreeNode[] = [];
    for (let i = 0; i < v.length; i++) {
      if (budget.left <= 0) {
        children.push({ label: `… ${v.length - i} more` });
        break;
      }
      children.push(node(`[${i}]`, v[i]!, budget));
    }
    return { label: `${key} (${v.length})`, children };
  }
  if (v !== null && typeof v === "object") {
    return { label: key, children: objectNodes(v, budget) };
  }
  const text = typeof v === "string" ? JSON.stringify(v) : String(v);
  return { label: `${key}: ${text}`, value: typeof v === "bigint" ? v.toString() : v };
}

/**
 * Growing typed-array columns: the stores of the analysed capture keep one row per message in
 * typed arrays (no object per message), doubled when full like the packet index.
 */

type Column = Int32Array<ArrayBuffer> | Uint8Array<ArrayBuffer> | Uint16Array<ArrayBuffer> | Float64Array<ArrayBuffer>;

/** A copy of `old` with room for at least `need` rows (capacity doubles). */
function grown<T extends Column>(old: T, need: number, make: (n: number) => T): T {
  let cap = Math.max(old.length, 1024);
  while (cap < need) cap *= 2;
  const next = make(cap);
  next.set(old as never);
  return next;
}

export const growInt32 = (a: Int32Array<ArrayBuffer>, need: number): Int32Array<ArrayBuffer> => grown(a, need, (n) => new Int32Array(n));
export const growUint8 = (a: Uint8Array<ArrayBuffer>, need: number): Uint8Array<ArrayBuffer> => grown(a, need, (n) => new Uint8Array(n));
export const growUint16 = (a: Uint16Array<ArrayBuffer>, need: number): Uint16Array<ArrayBuffer> => grown(a, need, (n) => new Uint16Array(n));
export const growFloat64 = (a: Float64Array<ArrayBuffer>, need: number): Float64Array<ArrayBuffer> => grown(a, need, (n) => new Float64Array(n));

/** The index of `name` in a short list of names (the stores' dissector column), added when new. */
export function indexOrAdd(names: string[], name: string): number {
  const id = names.indexOf(name);
  if (id >= 0) return id;
  names.push(name);
  return names.length - 1;
}

// How JavaScript values stand in for Go's, since fmt prints them and templates treat them
// by Go's types:
//
//   string -> string        number -> float64        bigint -> int        boolean -> bool
//   null, undefined -> nil  Array -> slice            plain object, Map -> map[string]...
//   any other object -> a struct; the functions on its prototype chain are its methods
//   (so a Map or Array subclass is a map or slice type with methods, like Alertmanager's KV
//   and Alerts), its properties and getters are its fields.
//
// Go decides a missing map key's zero value by the map's element type, which JavaScript
// does not have: a map whose values are all strings (or that is empty, as labels and
// annotations may be) counts as map[string]string, anything else as map[string]interface{}.

export type Kind = 'nil' | 'bool' | 'int' | 'float' | 'string' | 'slice' | 'map' | 'struct' | 'func';

/** Marks a map's element type explicitly: 'string' (zero value "") or 'any' (zero value nil). */
export const MAP_ELEMENT = Symbol('goMapElement');

type Tagged = { [MAP_ELEMENT]?: 'string' | 'any' };

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

export function kindOf(v: unknown): Kind {
  switch (typeof v) {
    case 'undefined':
      return 'nil';
    case 'boolean':
      return 'bool';
    case 'number':
      return 'float';
    case 'bigint':
      return 'int';
    case 'string':
      return 'string';
    case 'function':
      return 'func';
    case 'object':
      if (v === null) return 'nil';
      if (Array.isArray(v)) return 'slice';
      if (v instanceof Map || isPlainObject(v)) return 'map';
      return 'struct';
    default:
      return 'struct';
  }
}

/** Marks an object as map[string]interface{} (zero value nil), e.g. the result of `args`. */
export function anyMap<T extends object>(m: T): T {
  Object.defineProperty(m, MAP_ELEMENT, { value: 'any', enumerable: false });
  return m;
}

/** Marks an object as map[string]string (zero value ""), e.g. label sets. */
export function stringMap<T extends object>(m: T): T {
  Object.defineProperty(m, MAP_ELEMENT, { value: 'string', enumerable: false });
  return m;
}

function mapValues(m: object): Iterable<unknown> {
  return m instanceof Map ? m.values() : Object.values(m);
}

function isStringMap(m: object): boolean {
  const tag = (m as Tagged)[MAP_ELEMENT];
  if (tag) return tag === 'string';
  for (const v of mapValues(m)) if (typeof v !== 'string') return false;
  return true;
}

/** The zero value of a map's element type: what a missing key yields under missingkey=zero and in `index`. */
export function mapZero(m: object): unknown {
  return isStringMap(m) ? '' : undefined;
}

export function mapLookup(m: object, key: unknown): { found: boolean; value: unknown } {
  if (m instanceof Map) return m.has(key) ? { found: true, value: m.get(key) } : { found: false, value: undefined };
  if (typeof key === 'string' && Object.hasOwn(m, key)) {
    return { found: true, value: (m as Record<string, unknown>)[key] };
  }
  return { found: false, value: undefined };
}

export function mapSize(m: object): number {
  return m instanceof Map ? m.size : Object.keys(m).length;
}

/** Go compares strings by bytes of UTF-8, which is code point order (not UTF-16 unit order). */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done || y.done) return x.done ? (y.done ? 0 : -1) : 1;
    const cx = x.value.codePointAt(0)!;
    const cy = y.value.codePointAt(0)!;
    if (cx !== cy) return cx < cy ? -1 : 1;
  }
}

function compareKeys(a: unknown, b: unknown): number {
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  if ((typeof a === 'number' || typeof a === 'bigint') && (typeof b === 'number' || typeof b === 'bigint')) {
    return a < b ? -1 : a > b ? 1 : 0;
  }
  return compareStrings(String(a), String(b));
}

/** Entries in the order Go's fmt and range visit a map: sorted by key. */
export function sortedEntries(m: object): [unknown, unknown][] {
  const entries: [unknown, unknown][] = m instanceof Map ? [...m.entries()] : Object.entries(m);
  return entries.sort((x, y) => compareKeys(x[0], y[0]));
}

const BASE_PROTOTYPES = new Set<unknown>([Object.prototype, Array.prototype, Map.prototype, Function.prototype, null]);

/** A Go method: a function on the value's prototype chain (below the built-in prototypes). */
export function findMethod(v: unknown, name: string): ((...args: unknown[]) => unknown) | undefined {
  if (typeof v !== 'object' || v === null || name === 'constructor') return undefined;
  for (let proto = Object.getPrototypeOf(v); !BASE_PROTOTYPES.has(proto); proto = Object.getPrototypeOf(proto)) {
    const d = Object.getOwnPropertyDescriptor(proto, name);
    if (d) return typeof d.value === 'function' ? (d.value as (...args: unknown[]) => unknown) : undefined;
  }
  return undefined;
}

/** A struct's field: an own property or a getter (methods are found by findMethod). */
export function structField(v: object, name: string): { found: boolean; value: unknown } {
  if (name === 'constructor' || !(name in v) || name in Object.prototype) return { found: false, value: undefined };
  return { found: true, value: (v as Record<string, unknown>)[name] };
}

/** A struct's fields in declaration order, for printing as Go prints {a b} and {A:a B:b}. */
export function structFields(v: object): [string, unknown][] {
  return Object.entries(v);
}

/** Go's name of the value's type, as error messages and %T print it. */
export function goTypeName(v: unknown): string {
  const kind = kindOf(v);
  switch (kind) {
    case 'nil':
      return '<nil>';
    case 'float':
      return 'float64';
    case 'func':
      return 'func';
    case 'bool':
    case 'int':
    case 'string':
      return kind;
  }
  const ctor = (v as object).constructor as { name?: string; goTypeName?: string } | undefined;
  if (ctor?.goTypeName) return ctor.goTypeName;
  if (kind === 'slice') {
    if (ctor && ctor !== Array && ctor.name) return ctor.name;
    const arr = v as unknown[];
    return arr.length > 0 && arr.every((x) => typeof x === 'string') ? '[]string' : '[]interface {}';
  }
  if (kind === 'map') {
    if (ctor && ctor !== Map && ctor !== Object && ctor.name) return ctor.name;
    return isStringMap(v as object) ? 'map[string]string' : 'map[string]interface {}';
  }
  return ctor?.name || 'struct';
}

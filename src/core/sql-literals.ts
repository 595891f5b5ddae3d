/**
 * SQL literals the planner and the dialects write into SQL text themselves: numbers, JSON paths of
 * validated keys and LIKE patterns. Each refuses what it cannot render safely; user text never
 * reaches SQL through anything else (it travels as parameters).
 */

/** Escapes text for a LIKE pattern with `\` as the escape character; `*` becomes `%` when `wild`. */
export function likePattern(text: string, wild: boolean): string {
  let out = '';
  for (const c of text) {
    if (c === '\\' || c === '%' || c === '_') out += `\\${c}`;
    else if (c === '*' && wild) out += '%';
    else out += c;
  }
  return out;
}

const SAFE_KEY = /^[A-Za-z_@][A-Za-z0-9_.@-]*$/;

/**
 * A JSON path selecting the top-level key `key` (keys are flat and may contain dots), as a SQL
 * string literal. Keys reach here validated by the lexer; the check repeats so that no other
 * caller can put arbitrary text into SQL through this function.
 */
export function jsonKeyPathLiteral(key: string): string {
  if (!SAFE_KEY.test(key)) throw new Error(`unsafe JSON key ${JSON.stringify(key)}`);
  return `'$."${key}"'`;
}

/**
 * A finite number as a floating-point literal (exponent form) that the engine reads back as exactly
 * this double. A plain `0.9990000000000001` is a DECIMAL to DuckDB, which rounds on its way to a
 * double; `9.990000000000001e-1` is a DOUBLE, parsed exactly.
 */
export function doubleLiteral(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`not a safe SQL number: ${n}`);
  return n.toExponential();
}

/** A non-negative number rendered into SQL (limits, intervals); refuses anything else. */
export function numberLiteral(n: number): string {
  if (!Number.isFinite(n) || n < 0) throw new Error(`not a safe SQL number: ${n}`);
  return String(n);
}

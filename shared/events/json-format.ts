/**
 * Pretty-prints JSON the way the repository's formatter (Biome) lays it out, so generated files
 * are committed as-is and `biome check` stays clean: objects one key per line, arrays of scalars
 * on one line when they fit in 110 columns.
 */
const LINE_WIDTH = 110;

export function formatJson(value: unknown): string {
  return `${format(value, '', 0)}\n`;
}

/** `prefixWidth`: columns already used on the line before this value starts (indent, key). */
function format(value: unknown, indent: string, prefixWidth: number): string {
  if (Array.isArray(value)) return formatArray(value, indent, prefixWidth);
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return '{}';
    const inner = `${indent}  `;
    const lines = entries.map(([key, item], i) => {
      const head = `${inner}${JSON.stringify(key)}: `;
      const comma = i < entries.length - 1 ? ',' : '';
      return `${head}${format(item, inner, head.length + comma.length)}${comma}`;
    });
    return `{\n${lines.join('\n')}\n${indent}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function formatArray(items: readonly unknown[], indent: string, prefixWidth: number): string {
  if (items.length === 0) return '[]';
  const scalars = items.every((item) => item === null || typeof item !== 'object');
  if (scalars) {
    const flat = `[${items.map((item) => JSON.stringify(item)).join(', ')}]`;
    if (prefixWidth + flat.length <= LINE_WIDTH) return flat;
  }
  const inner = `${indent}  `;
  const lines = items.map((item, i) => {
    const comma = i < items.length - 1 ? ',' : '';
    return `${inner}${format(item, inner, inner.length + comma.length)}${comma}`;
  });
  return `[\n${lines.join('\n')}\n${indent}]`;
}

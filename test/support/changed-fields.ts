/** Test helper: which top-level fields of a record differ between two reads of it. */

/** Top-level fields whose values differ, sorted, leaving out `updated_at` and the given derived fields. */
export function changedFields(
  before: Readonly<Record<string, unknown>>,
  after: Readonly<Record<string, unknown>>,
  derivedFields: readonly string[] = [],
): string[] {
  const skipped = new Set(['updated_at', ...derivedFields]);
  return [...new Set([...Object.keys(before), ...Object.keys(after)])]
    .filter((field) => !skipped.has(field))
    .filter((field) => JSON.stringify(before[field]) !== JSON.stringify(after[field]))
    .sort();
}

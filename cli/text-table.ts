/**
 * Plain aligned text tables for terminal output (`doctor`, listing commands): an upper-case header
 * row, columns padded to their widest cell, two spaces apart, no trailing spaces.
 */
export interface Column<Row> {
  /** Header text, printed upper-case. */
  readonly title: string;
  readonly cell: (row: Row) => string;
}

export function formatTable<Row>(columns: readonly Column<Row>[], rows: readonly Row[]): string {
  const cells = [
    columns.map((column) => column.title.toUpperCase()),
    ...rows.map((row) => columns.map((column) => column.cell(row))),
  ];
  const widths = columns.map((_, index) => Math.max(...cells.map((line) => (line[index] ?? '').length)));
  const lines = cells.map((line) =>
    line
      .map((cell, index) => (index === line.length - 1 ? cell : cell.padEnd(widths[index] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
  return `${lines.join('\n')}\n`;
}

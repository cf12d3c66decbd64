import ExcelJS from 'exceljs';

/** A table to export: column names and rows of plain values (string, number, boolean, null). */
export interface ExportTable {
  /** The sheet's name in an XLSX workbook (at most 31 characters there). */
  name: string;
  columns: readonly string[];
  rows: readonly (readonly unknown[])[];
}

/**
 * A text that a spreadsheet would read as a formula (=, +, -, @, or a tab or carriage return
 * before one) gets a leading apostrophe, so an order id or a reason typed as `=HYPERLINK(…)`
 * opens as text (OWASP "CSV injection"). Numbers stay numbers.
 */
export function neutraliseFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const text = neutraliseFormula(typeof value === 'string' ? value : JSON.stringify(value));
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** RFC 4180 CSV with CRLF line ends and a header row. */
export function toCsv(table: Pick<ExportTable, 'columns' | 'rows'>): string {
  return [table.columns, ...table.rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

function xlsxCell(value: unknown): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  return neutraliseFormula(typeof value === 'string' ? value : JSON.stringify(value));
}

/** An XLSX workbook (exceljs) with one sheet per table, header row bold and frozen. */
export async function toXlsx(tables: readonly ExportTable[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'node-red-contrib-mes';
  for (const table of tables) {
    const sheet = workbook.addWorksheet(table.name.replace(/[\\/?*[\]:]/g, '_').slice(0, 31), { views: [{ state: 'frozen', ySplit: 1 }] });
    sheet.addRow([...table.columns]).font = { bold: true };
    for (const row of table.rows) sheet.addRow(row.map(xlsxCell));
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

export const CSV_TYPE = 'text/csv; charset=utf-8';
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

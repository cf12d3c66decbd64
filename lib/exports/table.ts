import { PassThrough } from 'node:stream';
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
  return sourceToCsv({ name: '', columns: table.columns, rows: table.rows });
}

function xlsxCell(value: unknown): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  return neutraliseFormula(typeof value === 'string' ? value : JSON.stringify(value));
}

/** Excel refuses sheet names with \\ / ? * [ ] : or longer than 31 characters. */
function sheetName(name: string): string {
  return name.replace(/[\\/?*[\]:]/g, '_').slice(0, 31);
}

/** An XLSX workbook (exceljs) with one sheet per table, header row bold and frozen. */
export async function toXlsx(tables: readonly ExportTable[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'node-red-contrib-mes';
  for (const table of tables) {
    const sheet = workbook.addWorksheet(sheetName(table.name), { views: [{ state: 'frozen', ySplit: 1 }] });
    sheet.addRow([...table.columns]).font = { bold: true };
    for (const row of table.rows) sheet.addRow(row.map(xlsxCell));
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

export const CSV_TYPE = 'text/csv; charset=utf-8';
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** A table whose rows are read as they are written (e.g. a SQLite cursor), for exports of any length. */
export interface ExportSource {
  name: string;
  columns: readonly string[];
  rows: Iterable<readonly unknown[]>;
}

/** CSV of a row source; only the text itself is held, never the rows. */
export function sourceToCsv(source: ExportSource): string {
  const lines = [source.columns.map(csvCell).join(',')];
  for (const row of source.rows) lines.push(row.map(csvCell).join(','));
  return lines.join('\r\n') + '\r\n';
}

/**
 * XLSX of a row source, written with exceljs's streaming writer: each row is committed (zipped
 * out) as it is read, so memory holds the compressed file, not a workbook model of every row.
 */
export async function sourceToXlsx(source: ExportSource): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  const finished = new Promise<void>((resolve, reject) => { out.on('end', resolve); out.on('error', reject); });
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  workbook.creator = 'node-red-contrib-mes';
  const sheet = workbook.addWorksheet(sheetName(source.name), { views: [{ state: 'frozen', ySplit: 1 }] });
  const header = sheet.addRow([...source.columns]);
  header.font = { bold: true };
  header.commit();
  for (const row of source.rows) sheet.addRow(row.map(xlsxCell)).commit();
  sheet.commit();
  await workbook.commit();
  await finished;
  return Buffer.concat(chunks);
}

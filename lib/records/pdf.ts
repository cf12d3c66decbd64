import PDFDocument from 'pdfkit';

export interface PdfColumn {
  title: string;
  width: number;
}

export interface PdfMeta {
  title: string;
  /** Lines under the title on page 1: filter, generated at and by. */
  lines: string[];
  /** The document's creation date (the report's clock), so that a fixed clock gives the same bytes. */
  createdAt: Date;
  author: string;
}

const MARGIN = 36;
const FOOTER = 18;
const FONT = 'Helvetica';
const BOLD = 'Helvetica-Bold';
const SIZE = 7.5;
const PAD = 2;
/** Longest cell text drawn; a longer one is cut so that one row never outgrows a page. */
const MAX_CELL = 1200;
/** Rows laid out between two turns of the event loop. */
const YIELD_ROWS = 200;

/**
 * pdfkit's standard fonts (embedded by every PDF reader, nothing to ship) encode WinAnsi only; a
 * character outside it would print as garbage, so it is spelled out or replaced by '?'.
 */
export function winAnsi(value: string): string {
  return value.replace(/→/g, '->').replace(/[∞]/g, 'inf').replace(/[^\x20-\x7e\xa0-\xff€–—‘’“”•…\n]/g, '?');
}

/**
 * Lays a report out on A4 landscape pages. The same body runs twice: first without drawing, to
 * count the pages, then drawing, so every footer can say "page X of Y" while each finished page
 * goes to the output at once (pdfkit flushes a page when the next one starts): memory stays bounded
 * by a page, not by the report.
 */
export class PdfWriter {
  pages = 1;
  private y: number;
  private readonly top: number;
  private readonly bottom: number;
  readonly width: number;

  constructor(private readonly doc: PDFDocument, private readonly meta: PdfMeta, private readonly draw: boolean, private readonly total: number) {
    this.top = MARGIN;
    this.bottom = doc.page.height - MARGIN - FOOTER;
    this.width = doc.page.width - 2 * MARGIN;
    this.y = this.top;
    this.titleBlock();
  }

  private titleBlock(): void {
    this.line(this.meta.title, { bold: true, size: 14 });
    for (const text of this.meta.lines) this.line(text, { size: 9 });
    this.space(6);
  }

  private footer(): void {
    if (!this.draw) return;
    const page = this.doc.page;
    const savedBottom = page.margins.bottom;
    // Below the body's bottom margin pdfkit would start a new page for the text: lift the margin.
    page.margins.bottom = 0;
    const y = page.height - MARGIN - FOOTER + 6;
    this.doc.font(FONT).fontSize(7).fillColor('#444444');
    this.doc.text(winAnsi(`${this.meta.title} - generated ${this.meta.createdAt.toISOString()}`), MARGIN, y, { width: this.width / 2, lineBreak: false });
    this.doc.text(`page ${this.pages} of ${this.total}`, MARGIN + this.width / 2, y, { width: this.width / 2, align: 'right', lineBreak: false });
    this.doc.fillColor('#000000');
    page.margins.bottom = savedBottom;
  }

  private newPage(): void {
    this.footer();
    if (this.draw) {
      this.doc.addPage();
      this.doc.page.margins.bottom = MARGIN + FOOTER;
    }
    this.pages += 1;
    this.y = this.top;
    this.line(this.meta.title, { bold: true, size: 9 });
    this.space(4);
  }

  private ensure(height: number): boolean {
    if (this.y + height <= this.bottom) return false;
    this.newPage();
    return true;
  }

  private measure(text: string, width: number, bold: boolean, size: number): number {
    this.doc.font(bold ? BOLD : FONT).fontSize(size);
    // Most cells fit one line: measuring the width is far cheaper than laying the text out.
    if (!text.includes('\n') && this.doc.widthOfString(text) <= width) return this.doc.currentLineHeight(true);
    return this.doc.heightOfString(text, { width });
  }

  /** One line or paragraph across the page. */
  line(text: string, options: { bold?: boolean; size?: number } = {}): void {
    const size = options.size ?? 9;
    const clean = winAnsi(text.slice(0, MAX_CELL));
    const height = this.measure(clean, this.width, options.bold === true, size) + 2;
    this.ensure(height);
    if (this.draw) this.doc.font(options.bold ? BOLD : FONT).fontSize(size).text(clean, MARGIN, this.y, { width: this.width });
    this.y += height;
  }

  heading(text: string): void {
    this.space(6);
    this.ensure(40); // a heading never ends a page alone
    this.line(text, { bold: true, size: 11 });
  }

  space(points: number): void {
    this.y += points;
  }

  /** Label: value lines. */
  fields(pairs: [string, string][]): void {
    for (const [label, value] of pairs) this.line(`${label}: ${value}`);
  }

  private rowHeight(cells: string[], columns: readonly PdfColumn[], bold: boolean): number {
    let height = 0;
    cells.forEach((cell, i) => {
      height = Math.max(height, this.measure(cell, columns[i].width - 2 * PAD, bold, SIZE));
    });
    return Math.min(height + 2 * PAD, this.bottom - this.top - 60);
  }

  private drawRow(cells: string[], columns: readonly PdfColumn[], height: number, bold: boolean): void {
    if (this.draw) {
      let x = MARGIN;
      this.doc.font(bold ? BOLD : FONT).fontSize(SIZE);
      cells.forEach((cell, i) => {
        this.doc.text(cell, x + PAD, this.y + PAD, { width: columns[i].width - 2 * PAD, height: height - 2 * PAD, ellipsis: true });
        x += columns[i].width;
      });
      this.doc.lineWidth(0.3).moveTo(MARGIN, this.y + height).lineTo(MARGIN + this.width, this.y + height).stroke('#999999');
    }
    this.y += height;
  }

  /**
   * A table that breaks across pages and repeats its header row on each; `rows` is read once.
   * Every YIELD_ROWS rows it lets the event loop run, so a long report does not stall the flows.
   */
  async table(columns: readonly PdfColumn[], rows: Iterable<readonly string[]>): Promise<number> {
    const header = columns.map((c) => winAnsi(c.title));
    const headerHeight = this.rowHeight(header, columns, true);
    this.ensure(headerHeight * 2);
    this.drawRow(header, columns, headerHeight, true);
    let count = 0;
    for (const row of rows) {
      const cells = row.map((cell) => winAnsi(cell.slice(0, MAX_CELL)));
      const height = this.rowHeight(cells, columns, false);
      if (this.ensure(height)) this.drawRow(header, columns, headerHeight, true);
      this.drawRow(cells, columns, height, false);
      count += 1;
      if (count % YIELD_ROWS === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    }
    if (count === 0) this.line('(none)', { size: SIZE });
    return count;
  }

  finish(): void {
    this.footer();
  }
}

/** Renders `body` into one PDF: a counting pass, then the drawing pass (see PdfWriter). */
export async function renderPdf(meta: PdfMeta, body: (writer: PdfWriter) => Promise<void>): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4', layout: 'landscape', margin: MARGIN, compress: true,
    info: { Title: meta.title, Author: meta.author, Creator: 'node-red-contrib-mes', CreationDate: meta.createdAt },
  });
  // The body bottom leaves room for the footer, so pdfkit never starts a page by itself.
  doc.page.margins.bottom = MARGIN + FOOTER;
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const counting = new PdfWriter(doc, meta, false, 0);
  await body(counting);
  const writer = new PdfWriter(doc, meta, true, counting.pages);
  await body(writer);
  writer.finish();
  doc.end();
  return done;
}

/** The part of pdfkit's API the records use (pdfkit ships no TypeScript declarations). */
declare module 'pdfkit' {
  import type { Readable } from 'node:stream';

  interface TextOptions {
    width?: number;
    height?: number;
    align?: 'left' | 'center' | 'right' | 'justify';
    lineBreak?: boolean;
    ellipsis?: boolean | string;
    lineGap?: number;
  }

  interface PdfPage {
    width: number;
    height: number;
    margins: { top: number; bottom: number; left: number; right: number };
  }

  class PDFDocument extends Readable {
    constructor(options?: {
      size?: string;
      layout?: 'portrait' | 'landscape';
      margin?: number;
      info?: Record<string, string | Date>;
      compress?: boolean;
      bufferPages?: boolean;
      autoFirstPage?: boolean;
      pdfVersion?: string;
    });
    page: PdfPage;
    y: number;
    x: number;
    addPage(): this;
    font(name: string): this;
    fontSize(size: number): this;
    text(text: string, x?: number, y?: number, options?: TextOptions): this;
    heightOfString(text: string, options?: TextOptions): number;
    widthOfString(text: string): number;
    currentLineHeight(includeGap?: boolean): number;
    moveTo(x: number, y: number): this;
    lineTo(x: number, y: number): this;
    lineWidth(width: number): this;
    stroke(color?: string): this;
    rect(x: number, y: number, w: number, h: number): this;
    fill(color?: string): this;
    fillColor(color: string): this;
    end(): void;
  }
  export = PDFDocument;
}

/**
 * The text of PDF files, as a reader's copy-and-paste would give it, read with unpdf (PDF.js).
 * unpdf loads PDF.js with a dynamic `import()`, which jest's CommonJS sandbox refuses without
 * --experimental-vm-modules; so one plain Node process reads all the files and answers in JSON.
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';

export interface PdfText {
  pages: number;
  /** The pages' text, runs of white space made one space, so a wrapped line reads as one. */
  text: string;
}

const script = `
import { readFileSync } from 'node:fs';
import { extractText, getDocumentProxy } from 'unpdf';
const out = {};
for (const file of process.argv.slice(1)) {
  const pdf = await getDocumentProxy(new Uint8Array(readFileSync(file)));
  const { totalPages, text } = await extractText(pdf, { mergePages: true });
  out[file] = { pages: totalPages, text: text.replace(/\\s+/g, ' ') };
}
process.stdout.write(JSON.stringify(out));
`;

/** The text of each file, keyed by the path as given. */
export function pdfTexts(files: string[]): Promise<Map<string, PdfText>> {
  return new Promise((done, fail) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', script, ...files],
      { cwd: resolve(__dirname, '..', '..'), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) fail(new Error(`kunne ikke lese teksten i PDF-filene: ${stderr || error.message}`));
        else done(new Map(Object.entries(JSON.parse(stdout) as Record<string, PdfText>)));
      },
    );
  });
}

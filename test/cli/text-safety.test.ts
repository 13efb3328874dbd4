/**
 * Spreadsheet formula prefixes are neutralised in everything the product writes as CSV or text
 * (app/text-safety.ts), following OWASP's advice on CSV injection.
 */
import { spreadsheetSafe } from '../../app/text-safety';

test('a value starting with =, +, -, @, tab or carriage return gets a leading single quote', () => {
  expect(['=CMD()|calc', '+47 123', '-2+3', '@SUM(A1)', '\t=1', '\r=1'].map(spreadsheetSafe)).toEqual([
    "'=CMD()|calc",
    "'+47 123",
    "'-2+3",
    "'@SUM(A1)",
    "'\t=1",
    "'\r=1",
  ]);
});

test('other values are left exactly as they are', () => {
  for (const value of ['', 'SYK', 'Tannlege, kl. 10', 'E000123', '2026-09-03', 'a=b', ' =1', "'=1", 'æøå', '12']) {
    expect(spreadsheetSafe(value)).toBe(value);
  }
});

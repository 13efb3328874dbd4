/** A task asking staff for a document the case needs, in every language; the document's name comes from names.ts. */
import type { TemplateLanguage, Wording } from './types';

export const documentRequestWording: Record<TemplateLanguage, (document: string) => Wording> = {
  nb: (document) => ({
    subject: `Dokument mangler: ${document}`,
    body: `Saken trenger dokumentet «${document}» før den kan gå videre.`,
    next: 'Lag eller hent dokumentet, og arkiver det i saken.',
    sms: `Dokument trengs: ${document}.`,
  }),
  nn: (document) => ({
    subject: `Dokument trengst i saka: ${document}`,
    body: `Saka treng dokumentet «${document}» før ho kan gå vidare.`,
    next: 'Lag eller hent dokumentet, og arkiver det i saka.',
    sms: `Dokument trengst: ${document}.`,
  }),
  en: (document) => ({
    subject: `Document needed in the case: ${document}`,
    body: `The case needs the document "${document}" before it can move on.`,
    next: 'Prepare or obtain the document, and file it in the case.',
    sms: `Document needed: ${document}.`,
  }),
};

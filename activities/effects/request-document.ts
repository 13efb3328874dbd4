/** requestDocument: a task asking the named roles for a document, named in Norwegian. */
import { documentNames } from '../../machines/labels';
import { requestDocument } from '../../machines/effects/request-document';
import { defineMessageActivity } from './define';

export const requestDocumentActivity = defineMessageActivity(requestDocument, ({ params }) => {
  const name = documentNames[params.kind];
  return {
    channel: 'task',
    recipients: params.from,
    subject: `Dokument mangler: ${name}`,
    body: `Saken trenger ${name} før den kan gå videre. Last opp dokumentet i saken.`,
  };
});

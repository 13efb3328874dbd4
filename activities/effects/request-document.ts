/** requestDocument: a task asking the named roles for a document, named in Norwegian. */
import { documentNames } from '../../machines/labels';
import { requestDocument } from '../../machines/effects/request-document';
import { caseMessage, defineEffectActivity, deliverMessage } from './define';

export const requestDocumentActivity = defineEffectActivity(requestDocument, (input, { outbox }) => {
  const name = documentNames[input.params.kind];
  return deliverMessage(
    outbox,
    caseMessage(input, {
      channel: 'task',
      recipients: input.params.from,
      subject: `Dokument mangler: ${name}`,
      body: `Saken trenger ${name} før den kan gå videre. Last opp dokumentet i saken.`,
    }),
  );
});

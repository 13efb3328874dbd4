/** requestDocument: a task asking the named roles for a document. */
import { requestDocument } from '../../machines/effects/request-document';
import { defineMessageActivity } from './define';

export const requestDocumentActivity = defineMessageActivity(requestDocument, ({ params }) => ({
  channel: 'task',
  recipients: params.from,
  template: { kind: 'document-request', document: params.kind },
}));

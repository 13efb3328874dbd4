/** A task asking the given roles for a document the case needs. */
import { z } from 'zod';
import { documentKindSchema } from '../vocabulary';
import { defineEffect, messageDelivery } from './define';
import { recipientRolesSchema } from './recipients';

export const requestDocument = defineEffect({
  name: 'requestDocument',
  params: z.object({ kind: documentKindSchema, from: recipientRolesSchema }),
  label: 'forespørsel om dokument',
  delivery: messageDelivery,
});
export type RequestDocumentParams = z.infer<typeof requestDocument.params>;

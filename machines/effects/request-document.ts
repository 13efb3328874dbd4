/** A task asking the given roles for a document the case needs. */
import { documentKindSchema } from '../vocabulary';
import { defineEffect } from './define';
import { recipientRolesSchema } from './recipients';

export const requestDocument = defineEffect({
  name: 'requestDocument',
  params: { kind: documentKindSchema, from: recipientRolesSchema },
  label: 'forespørsel om dokument',
});

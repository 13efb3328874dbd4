/**
 * The failure converter of every worker and client: error messages and stack traces go into the
 * failure's encoded attributes, so the payload codec seals them too (a refusal may quote what a
 * person typed; an activity error may name a guardian's address). Loaded by path into the
 * workflow sandbox as well (`failureConverterPath`), so it imports nothing but the SDK's common
 * package.
 */
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });

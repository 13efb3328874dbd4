/** The roles an effect is addressed to: at least one (the contact directory resolves them to people). */
import { z } from 'zod';
import { roleSchema } from '../vocabulary';

export const recipientRolesSchema = z.array(roleSchema).min(1, 'minst én mottakerrolle').readonly();

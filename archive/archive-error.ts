/** What the archive refuses or cannot do, in Norwegian (the message says which document or case and why). */
import { NamedError } from '../app/named-error';

export class ArchiveError extends NamedError {}

/** The case file or document named is not in the archive. */
export class ArchiveNotFoundError extends ArchiveError {}

/** A stored file is missing or no longer matches its checksum: the archive found a fault. */
export class ArchiveIntegrityError extends ArchiveError {}
